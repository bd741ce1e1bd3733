"""The generator's open-clock guarantee and the patrol's time travel, on a small generated county.

At the generator's ``as_of`` a bureau has work in hand: for every deadline rule of the pack,
some subject is in warning (its act still to come, its due time ahead). And a patrol at a past
moment ``T`` judges only what had happened by ``T``: on the full store it finds exactly what it
finds on the store cut at ``T`` (records begun after ``T`` removed, times after ``T`` blanked).
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from fazhi.accounts.services import system_user
from fazhi.exchange.services import import_bundle
from fazhi.patrol.models import Finding, FindingStatus, Rule
from fazhi.patrol.services import run_patrol
from fazhi.records import models as m

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SEED = 5
# as the demo's: the current hour (a midnight as_of is the one moment a 3-day custody period,
# whose lead is one day and which ends at 24:00, cannot be in warning)
AS_OF = "2026-11-02T09:00:00+08:00"


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("open-clocks") / "demo.jsonl.gz"
    call_command("generate", "--scale", "demo", "--seed", str(SEED), "--out", str(out),
                 "--as-of", AS_OF, stdout=io.StringIO())  # fmt: skip
    header = json.loads(out.with_name("demo.truth.jsonl").read_text("utf-8").splitlines()[0])
    return {"bundle": out, "as_of": datetime.fromisoformat(header["as_of"])}


def test_every_deadline_rule_has_open_subjects_in_warning_at_as_of(county: dict[str, Any]) -> None:
    # given the generated county imported
    assert import_bundle([county["bundle"]], actor=system_user()).ok
    # when it is patrolled at the generator's as_of
    run_patrol(as_of=county["as_of"], actor=system_user())
    # then every deadline rule has an open finding in warning, its due time still ahead
    deadline_rules = set(Rule.objects.filter(kind="deadline").values_list("code", flat=True))
    assert deadline_rules, "the pack has deadline rules"
    warnings = Finding.objects.open().filter(status=FindingStatus.WARNING)
    warned = set(warnings.values_list("rule_id", flat=True))
    assert sorted(deadline_rules - warned) == []
    assert not warnings.filter(due_at__lte=county["as_of"]).exists()


# --- time travel ------------------------------------------------------------------------------

# Each record type: the time it begins (a record begun after T did not exist at T), and the
# times it may carry that lie later (unknown at T: blanked in the store cut at T).
BEGINS: dict[type[Any], tuple[str, tuple[str, ...]]] = {
    m.Incident: ("received_at", ("arrived_at", "disposed_at")),
    m.Case: ("accepted_at", ("filed_at", "closed_at")),
    m.Measure: ("started_at", ("ended_at",)),
    m.Property: ("seized_at", ()),
    m.Event: ("at", ()),
    m.Transcript: ("started_at", ()),
    m.VenueVisit: ("entered_at", ("left_at",)),
    m.Document: ("issued_at", ()),
    m.Followup: ("at", ()),
    # FZX v1.1
    m.PropertyMovement: ("at", ()),
    m.Recording: ("started_at", ("uploaded_at", "deleted_at")),
    m.Review: ("filed_at", ("decided_at",)),
    m.Complaint: ("received_at", ("closed_at",)),
    m.SafetyEvent: ("at", ()),
}


def _truncate_at(t: datetime) -> None:
    """The store as it stood at ``t``, as far as the records can tell."""
    for model in (
        m.Followup, m.Document, m.VenueVisit, m.Transcript, m.Event, m.PropertyMovement,
        m.Recording, m.Review, m.Complaint, m.SafetyEvent,
    ):  # fmt: skip
        field = BEGINS[model][0]
        model.objects.filter(**{f"{field}__gt": t}).delete()
    for dated in (m.Training, m.Commendation, m.Discipline):
        dated.objects.filter(at__gt=t.date()).delete()
    # a recording still running at t ends at t as far as t can tell (its upload not yet due)
    m.Recording.objects.filter(ended_at__gt=t).update(ended_at=t)
    m.Property.objects.filter(unrelated_at__gt=t).update(unrelated=None, unrelated_at=None)
    m.Property.objects.filter(seized_at__gt=t).delete()
    m.Measure.objects.filter(started_at__gt=t).delete()
    m.Person.objects.filter(case__accepted_at__gt=t).delete()
    m.Case.objects.filter(accepted_at__gt=t).delete()
    m.Incident.objects.filter(received_at__gt=t).delete()
    # a criminal case closed after t was still under investigation (or awaiting 立案) at t
    later = m.Case.objects.filter(kind="刑事", closed_at__gt=t)
    later.filter(filed_at__lte=t).update(status="侦查中")
    later.exclude(filed_at__lte=t).update(status="受案")
    for model, (_field, later_times) in BEGINS.items():
        for name in later_times:
            changes: dict[str, Any] = {name: None}
            if model is m.Incident and name == "disposed_at":
                changes["disposition"] = None
            model.objects.filter(**{f"{name}__gt": t}).update(**changes)
    m.Measure.objects.filter(extended_to__isnull=False).exclude(
        case__events__kind="延长期限", case__events__at__lte=t
    ).update(extended_to=None)


def _findings() -> set[tuple[str, str, str, str]]:
    return set(
        Finding.objects.open().values_list("rule_id", "subject_type", "subject_id", "status")
    )


@pytest.mark.parametrize("days_back", [40, 150])
def test_a_patrol_in_the_past_sees_only_what_had_happened(
    county: dict[str, Any], days_back: int
) -> None:
    # given the full store, and a moment T in the county's past
    assert import_bundle([county["bundle"]], actor=system_user()).ok
    t = county["as_of"] - timedelta(days=days_back, hours=5)
    # when it is patrolled at T
    run_patrol(as_of=t, actor=system_user())
    on_full_store = _findings()
    # and the store is cut at T and patrolled at T afresh
    Finding.objects.all().delete()
    _truncate_at(t)
    run_patrol(as_of=t, actor=system_user())
    on_cut_store = _findings()
    # then both patrols found the same
    assert on_full_store, "the county had findings at T"
    future = sorted(on_full_store - on_cut_store)
    assert future == [], f"found only because of the future: {future}"
    missed = sorted(on_cut_store - on_full_store)
    assert missed == [], f"missed on the full store: {missed}"
