"""The property ledger (涉案财物台账) and the deposit ledger (保证金台账), read from the FZX
records: set-based queries, no per-record loop over the store.

- The **register**: each seized item with its case, unit, location, status and where its
  custody chain (``property_movement``, FZX v1.1) leaves it (在库, 调用中, 出库, 已返还 …).
- The **reconciliation** of the chain against the case's events (财物入库, 财物返还, 财物处置)
  and the time limits of the property rules, each a list of differences for the 法制员:
  movement without event, event without movement, not stored within 24 h, borrowed and not back
  by its return date, unrelated and not returned within 3 days.
- The **deposit ledger**: each 取保候审 with a 保证金, received, returned, confiscated or still
  held, and its differences (held after the measure ended, an event without a deposit, both
  returned and confiscated).

A movement and an event match when they are of corresponding kinds (入库 ↔ 财物入库, 返还 ↔
财物返还, 处置/移交 ↔ 财物处置), name the same item and lie within ``MATCH_WINDOW`` of each other:
the two are recorded by different people (the custodian, the case officer) at about the same time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from fazhi.custody.models import DifferenceKind, Reconciled, StoredDifference
from fazhi.patrol.periods import HolidayCalendar, Period, compute_deadline
from fazhi.records import models as m
from fazhi.records.enums import EventKind, MeasureKind, MovementKind

MATCH_WINDOW = timedelta(hours=24)
STORE_LIMIT = timedelta(hours=24)
BORROW_DAYS = 7  # a loan with no return date recorded (rule GF-CW-03's local standard)
UNRELATED_DAYS = 3  # 《公安机关办理刑事案件程序规定》第233条
DEPOSIT_GRACE = timedelta(days=3)  # rule XS-QB-04: returned or confiscated when the measure ends
SHOWN = 200  # rows of each difference list on a page (the export has them all)

# movement kind → the event kind that records the same act
EVENT_OF = {
    MovementKind.STORE_IN: EventKind.PROPERTY_STORED,
    MovementKind.RETURN_TO_OWNER: EventKind.PROPERTY_RETURNED,
    MovementKind.DISPOSE: EventKind.PROPERTY_DISPOSED,
    MovementKind.HAND_OVER: EventKind.PROPERTY_DISPOSED,
}
MOVEMENTS_OF = {
    EventKind.PROPERTY_STORED: [MovementKind.STORE_IN],
    EventKind.PROPERTY_RETURNED: [MovementKind.RETURN_TO_OWNER],
    EventKind.PROPERTY_DISPOSED: [MovementKind.DISPOSE, MovementKind.HAND_OVER],
}
# where the last movement leaves an item (the register's 流转状态)
PLACE_AFTER = {
    MovementKind.STORE_IN: "在库",
    MovementKind.BRING_BACK: "在库",
    MovementKind.BORROW: "调用中",
    MovementKind.STORE_OUT: "已出库",
    MovementKind.HAND_OVER: "已移交",
    MovementKind.RETURN_TO_OWNER: "已返还",
    MovementKind.DISPOSE: "已处置",
}


# --- the register ---------------------------------------------------------------------------


def register(properties: QuerySet[m.Property]) -> QuerySet[m.Property]:
    """``properties`` annotated with their chain's last step and length (three subqueries);
    ``place_of(last_kind)`` says where that leaves the item."""
    last = m.PropertyMovement.objects.filter(property_id=OuterRef("pk")).order_by("-at", "-pk")
    return properties.annotate(
        last_kind=Subquery(last.values("kind")[:1], output_field=CharField()),
        last_at=Subquery(last.values("at")[:1], output_field=DateTimeField()),
        moves=Coalesce(
            Subquery(
                m.PropertyMovement.objects.filter(property_id=OuterRef("pk"))
                .order_by()
                .values("property_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            Value(0),
        ),
    )


NO_CHAIN = "无流转记录"


def place_of(last_kind: str | None) -> str:
    """Where the last movement leaves an item (computed here, not in SQL: a CASE over the
    last-kind subquery would repeat the subquery once per branch)."""
    places: dict[str, str] = {str(kind): text for kind, text in PLACE_AFTER.items()}
    return places.get(last_kind, NO_CHAIN) if last_kind else NO_CHAIN


def kinds_leaving_at(place: str) -> list[str]:
    """The last movement kinds that leave an item at ``place`` (the register's filter)."""
    return [str(kind) for kind, text in PLACE_AFTER.items() if text == place]


def chains(properties: Iterable[m.Property]) -> dict[str, list[m.PropertyMovement]]:
    """The custody chain of each item, in time order (one query)."""
    ids = [p.pk for p in properties]
    out: dict[str, list[m.PropertyMovement]] = {pk: [] for pk in ids}
    rows = (
        m.PropertyMovement.objects.filter(property_id__in=ids)
        .select_related("approved_by")
        .prefetch_related("officers")
        .order_by("property_id", "at", "pk")
    )
    for mv in rows:
        out[mv.property_id].append(mv)
    return out


# --- the reconciliation ---------------------------------------------------------------------


@dataclass
class Difference:
    """One difference between the chain, the events and the time limits."""

    kind: str  # a key of DIFFERENCE_KINDS
    property_id: str
    property_name: str
    case_id: str
    unit_id: str
    at: datetime | None  # the record or the moment the difference is about
    record_id: str = ""  # the movement or event concerned
    due: datetime | None = None
    done: datetime | None = None
    note: str = ""


DIFFERENCE_KINDS: dict[str, str] = dict(DifferenceKind.choices)


@dataclass
class Reconciliation:
    as_of: datetime
    has_movements: bool
    lists: dict[str, list[Difference]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.totals.values())

    def sections(self) -> list[tuple[str, str, list[Difference], int]]:
        return [
            (key, label, self.lists.get(key, []), self.totals.get(key, 0))
            for key, label in DIFFERENCE_KINDS.items()
        ]


def _near(time_ref: str) -> Q:
    return Q(at__gte=OuterRef(time_ref) - MATCH_WINDOW, at__lte=OuterRef(time_ref) + MATCH_WINDOW)


def movements_without_event(movements: QuerySet[m.PropertyMovement]) -> QuerySet[Any]:
    matched = Q()
    for kind, event_kind in EVENT_OF.items():
        events = m.Event.objects.filter(
            _near("at"), kind=event_kind, property_id=OuterRef("property_id")
        )
        matched |= Q(Q(kind=kind), ~Exists(events))
    return movements.filter(kind__in=list(EVENT_OF)).filter(matched)


def events_without_movement(events: QuerySet[m.Event]) -> QuerySet[Any]:
    missing = Q()
    for event_kind, kinds in MOVEMENTS_OF.items():
        moves = m.PropertyMovement.objects.filter(
            _near("at"), kind__in=kinds, property_id=OuterRef("property_id")
        )
        missing |= Q(Q(kind=event_kind), ~Exists(moves))
    return events.filter(kind__in=list(MOVEMENTS_OF), property_id__isnull=False).filter(missing)


def not_stored(properties: QuerySet[m.Property], as_of: datetime) -> QuerySet[Any]:
    """Items with no 入库 (event or movement) within 24 h of seizure, once the 24 h are over;
    annotated with the first 入库 there was (for the rows read: the filter is two EXISTS)."""

    def stored(model: Any, kind: str) -> QuerySet[Any]:
        return model.objects.filter(
            property_id=OuterRef("pk"), kind=kind, at__gte=OuterRef("seized_at")
        )

    def in_time(model: Any, kind: str) -> Exists:
        return Exists(stored(model, kind).filter(at__lte=OuterRef("seized_at") + STORE_LIMIT))

    def first(model: Any, kind: str) -> Subquery:
        rows = stored(model, kind).filter(at__lte=as_of).order_by("at").values("at")[:1]
        return Subquery(rows, output_field=DateTimeField())

    return (
        properties.filter(seized_at__lte=as_of - STORE_LIMIT)
        .filter(
            ~in_time(m.Event, EventKind.PROPERTY_STORED),
            ~in_time(m.PropertyMovement, MovementKind.STORE_IN),
        )
        .annotate(
            stored_event=first(m.Event, EventKind.PROPERTY_STORED),
            stored_move=first(m.PropertyMovement, MovementKind.STORE_IN),
        )
    )


def _period_due(start: datetime, days: int, calendar: HolidayCalendar | None) -> datetime:
    return compute_deadline(start, Period.days(days), custody=False, calendar=calendar).due


def borrow_overdue(
    movements: QuerySet[m.PropertyMovement],
    as_of: datetime,
    calendar: HolidayCalendar | None = None,
) -> list[Difference]:
    """Loans (调用) not brought back (归还) by their recorded return date, or within 7 days
    when none is recorded: SQL keeps the loans that may be late, the due time is exact."""
    back = (
        m.PropertyMovement.objects.filter(
            property_id=OuterRef("property_id"), kind=MovementKind.BRING_BACK, at__lte=as_of
        )
        .filter(at__gte=OuterRef("at"))
        .order_by("at")
        .values("at")[:1]
    )
    rows = (
        movements.filter(kind=MovementKind.BORROW, at__lte=as_of)
        .annotate(back_at=Subquery(back, output_field=DateTimeField()))
        .filter(
            # late for sure past the recorded date; with none, not before 7 calendar days
            Q(due_back_at__isnull=False, back_at__isnull=True, due_back_at__lt=as_of)
            | Q(due_back_at__isnull=False, back_at__gt=F("due_back_at"))
            | Q(
                due_back_at__isnull=True,
                back_at__isnull=True,
                at__lt=as_of - timedelta(days=BORROW_DAYS),
            )
            | Q(due_back_at__isnull=True, back_at__gt=F("at") + timedelta(days=BORROW_DAYS))
        )
        .select_related("property", "property__case")
        .order_by("at", "pk")
    )
    out = []
    for mv in rows:
        due = mv.due_back_at or _period_due(mv.at, BORROW_DAYS, calendar)
        back_at: datetime | None = mv.back_at
        if (back_at is not None and back_at <= due) or (back_at is None and as_of <= due):
            continue
        out.append(
            Difference(
                "borrow_overdue", mv.property_id, mv.property.name, mv.property.case_id,
                mv.property.case.unit_id, mv.at, mv.pk, due, back_at,
                "" if mv.due_back_at else f"未记录应归还时间，按{BORROW_DAYS}日计",
            )
        )  # fmt: skip
    return out


def unrelated_not_returned(
    properties: QuerySet[m.Property], as_of: datetime, calendar: HolidayCalendar | None = None
) -> list[Difference]:
    """Items found unrelated to the case and not returned (返还 in the chain) within 3 days;
    one shown 已返还 with no 返还 recorded is not listed (when is not known)."""
    back = (
        m.PropertyMovement.objects.filter(
            property_id=OuterRef("pk"), kind=MovementKind.RETURN_TO_OWNER, at__lte=as_of
        )
        .filter(at__gte=OuterRef("unrelated_at"))
        .order_by("at")
        .values("at")[:1]
    )
    rows = (
        properties.filter(
            unrelated=True, unrelated_at__isnull=False, unrelated_at__lt=as_of - timedelta(days=3)
        )
        .annotate(back_at=Subquery(back, output_field=DateTimeField()))
        .filter(
            Q(back_at__isnull=True) & ~Q(status="已返还")
            | Q(back_at__gt=F("unrelated_at") + timedelta(days=UNRELATED_DAYS))
        )
        .select_related("case")
        .order_by("unrelated_at", "pk")
    )
    out = []
    for p in rows:
        assert p.unrelated_at is not None
        due = _period_due(p.unrelated_at, UNRELATED_DAYS, calendar)
        back_at: datetime | None = p.back_at
        if (back_at is not None and back_at <= due) or (back_at is None and as_of <= due):
            continue
        out.append(
            Difference(
                "unrelated_not_returned", p.pk, p.name, p.case_id, p.case.unit_id,
                p.unrelated_at, "", due, back_at,
            )
        )  # fmt: skip
    return out


def reconcile(
    properties: QuerySet[m.Property],
    movements: QuerySet[m.PropertyMovement],
    events: QuerySet[m.Event],
    as_of: datetime,
    *,
    limit: int | None = SHOWN,
    calendar: HolidayCalendar | None = None,
) -> Reconciliation:
    """The differences of the scope's items (querysets already narrowed to the scope). A store
    with no custody chain at all (a bureau on FZX v1.0) is told so, not listed item by item."""
    movements = movements.filter(at__lte=as_of)
    events = events.filter(at__lte=as_of)
    has_movements = m.PropertyMovement.objects.exists()
    rec = Reconciliation(as_of, has_movements)

    def keep(key: str, rows: list[Difference], counted: QuerySet[Any] | None = None) -> None:
        # a cut list is counted by one more query; a whole one by its length
        cut_short = limit is not None and counted is not None and len(rows) >= limit
        rec.totals[key] = counted.count() if cut_short and counted is not None else len(rows)
        rec.lists[key] = rows if limit is None else rows[:limit]

    def cut(qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs if limit is None else qs[:limit]

    if has_movements:
        moves = movements_without_event(movements).select_related("property", "property__case")
        keep(
            "movement_without_event",
            [
                Difference(
                    "movement_without_event",
                    mv.property_id,
                    mv.property.name,
                    mv.property.case_id,
                    mv.property.case.unit_id,
                    mv.at,
                    mv.pk,
                    note=f"{mv.kind}，无对应的{EVENT_OF[mv.kind]}记录",
                )
                for mv in cut(moves.order_by("at", "pk"))
            ],
            moves,
        )
        lonely = events_without_movement(events).select_related("property", "case")
        keep(
            "event_without_movement",
            [
                Difference(
                    "event_without_movement",
                    ev.property_id or "",
                    ev.property.name if ev.property else "",
                    ev.property.case_id if ev.property else (ev.case_id or ""),
                    ev.property.case.unit_id if ev.property else "",
                    ev.at,
                    ev.pk,
                    note=f"{ev.kind}，无对应的财物流转记录",
                )
                for ev in cut(lonely.select_related("property__case").order_by("at", "pk"))
            ],
            lonely,
        )
    late = not_stored(properties, as_of).select_related("case")
    keep(
        "not_stored",
        [
            Difference(
                "not_stored",
                p.pk,
                p.name,
                p.case_id,
                p.case.unit_id,
                p.seized_at,
                due=p.seized_at + STORE_LIMIT,
                done=_earliest(p.stored_event, p.stored_move),
            )
            for p in cut(late.order_by("seized_at", "pk"))
        ],
        late,
    )
    if has_movements:
        keep("borrow_overdue", borrow_overdue(movements, as_of, calendar))
        keep("unrelated_not_returned", unrelated_not_returned(properties, as_of, calendar))
    return rec


def latest_stored() -> Reconciled | None:
    """The reconciliation the tick stored for the latest patrol run (None before the first)."""
    return Reconciled.objects.order_by("-as_of", "-pk").first()


def stored(
    differences: QuerySet[StoredDifference], run: Reconciled, *, limit: int = SHOWN
) -> Reconciliation:
    """The stored reconciliation ``run`` narrowed to ``differences`` (a scope's rows): the
    totals by one grouped count, the first ``limit`` rows of each kind by one query each."""
    rows = differences.filter(reconciled=run)
    rec = Reconciliation(run.as_of, run.has_movements)
    totals = dict(rows.order_by().values_list("kind").annotate(n=Count("pk")))
    for key in DIFFERENCE_KINDS:
        rec.totals[key] = totals.get(key, 0)
        rec.lists[key] = (
            [
                Difference(
                    d.kind, d.property_id, d.property_name, d.case_id, d.unit_id, d.at,
                    d.record_id, d.due, d.done, d.note,
                )
                for d in rows.filter(kind=key).order_by("at", "pk")[:limit]
            ]
            if rec.totals[key]
            else []
        )  # fmt: skip
    return rec


def _earliest(*times: datetime | None) -> datetime | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None


# --- the deposit ledger ---------------------------------------------------------------------


DEPOSIT_STATES = {"held": "在押", "returned": "已退还", "confiscated": "已没收"}


def deposits(measures: QuerySet[m.Measure], as_of: datetime) -> QuerySet[Any]:
    """Each 取保候审 with a 保证金, annotated with when it was returned or confiscated (the
    event naming the measure, or naming its person and case without a measure)."""

    def first(kind: str) -> Subquery:
        named = Q(measure_id=OuterRef("pk")) | Q(
            measure_id__isnull=True, person_id=OuterRef("person_id"), case_id=OuterRef("case_id")
        )
        return Subquery(
            m.Event.objects.filter(named, kind=kind, at__lte=as_of).order_by("at").values("at")[:1],
            output_field=DateTimeField(),
        )

    return (
        measures.filter(kind=MeasureKind.BAIL, deposit_amount__gt=0, started_at__lte=as_of)
        .annotate(
            returned_at=first(EventKind.DEPOSIT_RETURNED),
            confiscated_at=first(EventKind.DEPOSIT_FORFEITED),
        )
        .annotate(
            state=Case(
                When(confiscated_at__isnull=False, then=Value("confiscated")),
                When(returned_at__isnull=False, then=Value("returned")),
                default=Value("held"),
                output_field=CharField(),
            )
        )
    )


@dataclass
class DepositTotals:
    count: int = 0
    received: Decimal = Decimal(0)
    returned: Decimal = Decimal(0)
    confiscated: Decimal = Decimal(0)
    outstanding: Decimal = Decimal(0)


def deposit_totals(rows: QuerySet[Any]) -> dict[str, DepositTotals]:
    """Per unit (and ``""`` for all): received, returned, confiscated, outstanding (one query)."""
    zero = Value(Decimal(0))
    grouped = (
        rows.values("case__unit_id")
        .annotate(
            n=Count("pk"),
            received=Coalesce(Sum("deposit_amount"), zero),
            returned=Coalesce(Sum("deposit_amount", filter=Q(state="returned")), zero),
            confiscated=Coalesce(Sum("deposit_amount", filter=Q(state="confiscated")), zero),
            outstanding=Coalesce(Sum("deposit_amount", filter=Q(state="held")), zero),
        )
        .order_by("case__unit_id")
    )
    out: dict[str, DepositTotals] = {}
    total = DepositTotals()
    for row in grouped:
        t = DepositTotals(
            row["n"], row["received"], row["returned"], row["confiscated"], row["outstanding"]
        )
        out[row["case__unit_id"]] = t
        total.count += t.count
        total.received += t.received
        total.returned += t.returned
        total.confiscated += t.confiscated
        total.outstanding += t.outstanding
    out[""] = total
    return out


DEPOSIT_DIFFERENCES = {
    "held_after_end": "强制措施已解除，保证金未退还也未没收",
    "returned_and_confiscated": "既退还又没收",
    "event_without_deposit": "有退还/没收记录，无对应的保证金",
}


def deposit_differences(
    rows: QuerySet[Any], events: QuerySet[m.Event], as_of: datetime
) -> dict[str, QuerySet[Any]]:
    """The deposit ledger's differences for the 法制员 (querysets; the page cuts them)."""
    held_after_end = rows.filter(
        state="held", ended_at__isnull=False, ended_at__lt=as_of - DEPOSIT_GRACE
    )
    both = rows.filter(returned_at__isnull=False, confiscated_at__isnull=False)
    with_deposit = m.Measure.objects.filter(kind=MeasureKind.BAIL, deposit_amount__gt=0)
    named = with_deposit.filter(pk=OuterRef("measure_id"))
    unnamed = with_deposit.filter(person_id=OuterRef("person_id"), case_id=OuterRef("case_id"))
    orphan = events.filter(
        kind__in=[EventKind.DEPOSIT_RETURNED, EventKind.DEPOSIT_FORFEITED], at__lte=as_of
    ).filter(
        Q(measure_id__isnull=False) & ~Exists(named) | Q(measure_id__isnull=True) & ~Exists(unnamed)
    )
    return {
        "held_after_end": held_after_end.select_related("person", "case").order_by("ended_at"),
        "returned_and_confiscated": both.select_related("person", "case").order_by("started_at"),
        "event_without_deposit": orphan.select_related("person", "case").order_by("at"),
    }
