"""The demo's setup on a small generated county: the logins exist before the first tick, the
year is replayed with the real patrol, tick and services at past moments, and at the end a
民警 finds a live warning on his workbench.

One test, since the setup (generate, import, replay) is what it checks and costs most of it.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from fazhi.notifications.models import Notification
from fazhi.patrol.models import Finding, FindingStatus, PatrolRun
from fazhi.rectification.models import Problem, ProblemAction, ProblemStatus, Verb

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_replays_a_year_and_ends_with_live_warnings(settings, tmp_path) -> None:
    # given an empty store
    settings.DATA_DIR = tmp_path
    # when the demo sets itself up (generate, import, logins, the year replayed), cut at an hour
    # when the 民警 once picked by his recent cases held no running clock (CI, 2026-12-08)
    out = io.StringIO()
    call_command(
        "demo", "--no-serve", "--seed", "7", "--as-of", "2026-12-08T06:00+08:00", stdout=out
    )
    # then findings were first seen over the year, not in the demo minute
    months = {
        timezone.localtime(at).strftime("%Y-%m")
        for at in Finding.objects.values_list("first_seen_at", flat=True)
    }
    assert len(months) >= 10, sorted(months)
    # problems were struck off by a 法制员, others escalated while nobody fixed them
    closed = Problem.objects.filter(status=ProblemStatus.CLOSED)
    assert closed.exists()
    assert ProblemAction.objects.filter(verb=Verb.APPROVE, problem__in=closed).exists()
    assert ProblemAction.objects.filter(verb=Verb.ESCALATE).exists()
    assert Problem.objects.filter(level__gt=1).exists()
    # and stamped with the simulated moments: problems created over several months
    created = {
        timezone.localtime(at).strftime("%Y-%m")
        for at in Problem.objects.values_list("created_at", flat=True)
    }
    assert len(created) >= 6, sorted(created)
    # the demo logins were notified in the course of the year
    for username in ("fazhiyuan", "yewu", "suozhang"):
        user = User.objects.get(username=username)
        notices = Notification.objects.filter(user=user)
        assert notices.exists(), username
        assert len({n.created_at.date() for n in notices}) > 1, username
    # and the 民警's workbench shows a warning with time left at the county's as_of
    minjing = User.objects.get(username="minjing")
    client = Client()
    client.force_login(minjing)
    response = client.get("/")
    assert response.status_code == 200
    warnings = response.context["warnings"]
    assert warnings, "the 民警 has live warnings"
    as_of = PatrolRun.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    assert as_of is not None
    assert all(f.status == FindingStatus.WARNING and f.is_open for f in warnings)
    assert all(f.due_at > as_of for f in warnings), "time left at the county's as_of"
