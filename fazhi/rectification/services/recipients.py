"""Who is told about a problem (its officer, his unit's 法制员 and leaders, the 法制大队), and the
link, description and notification every message about a problem uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fazhi.accounts.models import Role
from fazhi.core.timezones import SHANGHAI
from fazhi.notifications.services import Message, notify_many
from fazhi.rectification.models import LEVEL_ROLES, Level, NoticeGrouping, Problem


def officer_users(officer_ids: Iterable[str]) -> dict[str, list[Any]]:
    """The users linked (accounts.Profile) to each officer, one query."""
    found: dict[str, list[Any]] = defaultdict(list)
    ids = {o for o in officer_ids if o}
    if ids:
        users = get_user_model().objects.filter(is_active=True, profile__officer_id__in=ids)
        for user in users.select_related("profile"):
            found[str(user.profile.officer_id)].append(user)
    return found


def role_users(unit_ids: Iterable[str | None], role: str) -> dict[str, list[Any]]:
    """Per unit, the users whose officer record has ``role`` in that unit (or, without an
    officer record, whose profile does), one query."""
    ids = {u for u in unit_ids if u}
    found: dict[str, list[Any]] = defaultdict(list)
    if not ids:
        return found
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(profile__officer__role=role, profile__officer__unit_id__in=ids)
            | Q(profile__officer__isnull=True, profile__role=role, profile__unit_id__in=ids)
        )
    )
    for user in users.select_related("profile", "profile__officer").distinct():
        officer = user.profile.officer
        unit = officer.unit_id if officer is not None else user.profile.unit_id
        found[str(unit)].append(user)
    return found


def brigade_users() -> list[Any]:
    return list(get_user_model().objects.filter(is_active=True, profile__role=Role.LEGAL_BRIGADE))


def responsible_users(problems: Sequence[Problem]) -> dict[int, list[Any]]:
    """Level 1 of each problem: the responsible officer's users; the unit's 法制员 when the
    finding names no officer (or he has no account), so that nothing is pushed to nobody."""
    by_officer = officer_users(p.officer_id for p in problems if p.officer_id)
    orphans = [p for p in problems if not by_officer.get(p.officer_id or "")]
    by_unit = role_users((p.unit_id for p in orphans), LEVEL_ROLES[Level.LEGAL_OFFICER])
    return {
        p.pk: by_officer.get(p.officer_id or "") or by_unit.get(p.unit_id or "", [])
        for p in problems
    }


def reviewers(problem: Problem) -> list[Any]:
    """Who reviews ``problem``: its unit's 法制员, else the 法制大队."""
    users = role_users([problem.unit_id], LEVEL_ROLES[Level.LEGAL_OFFICER]).get(
        problem.unit_id or "", []
    )
    return users or brigade_users()


def notice_group(problem: Problem, grouping: str, what: str, now: datetime) -> tuple[str, str]:
    """The digest a message about ``problem`` joins under the bureau's ``notice_grouping``: its
    key and title (案件 X 的整改通知), or ("", "") to send it alone. A problem without a case is
    grouped by day."""
    if grouping == NoticeGrouping.CASE and problem.case_id:
        return f"case:{problem.case_id}", f"案件 {problem.case_id} 的{what}"
    if grouping in (NoticeGrouping.CASE, NoticeGrouping.DAY):
        day = timezone.localtime(now, SHANGHAI).date()
        return f"day:{day:%Y-%m-%d}", f"{day.year}年{day.month}月{day.day}日的{what}"
    return "", ""


def link(problem: Problem) -> str:
    return reverse("rectification:detail", args=[problem.pk])


def describe(problem: Problem) -> str:
    return f"问题#{problem.pk}（{problem.rule_id} {problem.rule.name}）"


def notify_about(
    problem: Problem,
    users: list[Any],
    kind: str,
    title: str,
    body: str,
    *,
    actor: User,
    now: datetime | None = None,
    **data: Any,
) -> None:
    """One in-app notification (and webhook message) about ``problem`` to ``users``."""
    notify_many(
        [Message(users, kind, title, body, link(problem), {"problem_id": problem.pk, **data})],
        actor=actor, now=now,
    )  # fmt: skip
