"""What the search box finds, kind by kind: which fields a query is matched against, in what
order the hits come, and how each hit is named.

Matching is the same on every database, and is what the docs (docs/search.md) promise:

- a whole 身份证号 (18 or 15 characters) finds the persons with exactly that number and nothing
  else; a 身份证号 is never matched by a part of it, so that a few digits cannot be used to
  list the people born on a day or in a district;
- a query of two characters matches the start of a field (张伟 → 张伟, 张伟明; 诈骗 → 诈骗);
  from three characters on it matches anywhere in the field (幸福路 → 城东幸福路3号). Two
  characters anywhere in a field would match a large share of a city's addresses, and on
  PostgreSQL no trigram index can serve them (docs/search.md, "Speed");
- numbers (案件编号, 警情编号, 警号) are matched in capitals, whatever the case they are typed in
  (the FZX ids are capitals; their trigram indexes are on ``upper(id)``, so that the patrol's
  lookups of many ids by key never take them).

Every kind is narrowed by ``fazhi.core.scope.visible`` before it is matched, so a user never
finds a row outside his data scope. The PostgreSQL indexes that make the matches fast are the
trigram indexes of ``search/migrations``; SQLite scans the tables (a county's, in a few
milliseconds).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.db import models
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Upper
from django.db.models.lookups import Contains, StartsWith
from django.urls import reverse

from fazhi.core.masking import is_id_number, mask_id_number
from fazhi.core.scope import DataScope, visible
from fazhi.patrol.models import Rule
from fazhi.records import models as m
from fazhi.rectification.models import Problem

_M = TypeVar("_M", bound=models.Model)

# The FZX ids the search box matches (案件编号, 警情编号, 警号): compared in capitals, which is
# the expression their trigram indexes are built on.
ID_FIELDS = frozenset({"id"})
# Below this length a query matches the start of a field only (see the module's docstring).
SUBSTRING_MIN = 3
# 整改问题 are numbered; "#12", "问题12" and "12" all name problem 12.
_PROBLEM_NUMBER = re.compile(r"(?:整改问题|问题)?#?(\d{1,9})")


class Kind(models.TextChoices):
    CASE = "case", "案件"
    INCIDENT = "incident", "警情"
    PERSON = "person", "涉案人员"
    OFFICER = "officer", "民警"
    PROBLEM = "problem", "整改问题"


@dataclass(frozen=True)
class Terms:
    """One query, read once: what each kind matches with."""

    text: str  # as typed, without surrounding blanks
    variants: tuple[str, ...]  # the text, and in capitals when that differs (FZX ids)
    prefix_only: bool  # too short to match inside a field
    id_number: str | None  # the query when it is a whole 身份证号
    problem_number: int | None

    @classmethod
    def read(cls, text: str) -> Terms:
        text = text.strip()
        variants = tuple(dict.fromkeys((text, text.upper())))
        number = _PROBLEM_NUMBER.fullmatch(text)
        return cls(
            text=text,
            variants=variants,
            prefix_only=len(text) < SUBSTRING_MIN,
            id_number=text.upper() if is_id_number(text) else None,
            problem_number=int(number.group(1)) if number else None,
        )

    def matches(self, *fields: str) -> Q:
        """Rows whose ``fields`` start with (short query) or contain the query; an id field
        (``ID_FIELDS``) in capitals, whatever the case the query was typed in."""
        lookup = StartsWith if self.prefix_only else Contains
        found = Q(pk__in=[])
        for field in fields:
            if field in ID_FIELDS:
                # the trigram index is on upper(id), see search/migrations/0002
                found |= Q(lookup(Upper(field), self.text.upper()))
                continue
            for variant in self.variants:
                found |= Q(lookup(F(field), variant))
        return found

    def exact(self, field: str = "pk") -> Case:
        """1 for the row whose ``field`` is the query itself (it comes first), else 0."""
        return Case(
            When(**{f"{field}__in": self.variants}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )


@dataclass(frozen=True)
class Hit:
    """One row found, as the results page and the API show it (personal data already masked)."""

    kind: Kind
    id: str
    title: str
    detail: str
    url: str
    when: datetime | None  # the record's own time, shown in local time
    when_label: str = ""  # what that time is: 受案, 接警, 生成


def _rows(queryset: QuerySet[_M], limit: int) -> tuple[list[_M], bool]:
    """The first ``limit`` rows and whether there are more (one query: ``limit + 1`` rows)."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def _join(parts: Iterable[str | None]) -> str:
    return " · ".join(p for p in parts if p)


# --- the kinds -------------------------------------------------------------------------------


def find_cases(terms: Terms, scope: DataScope, limit: int) -> tuple[list[Hit], bool]:
    """案件 by number (编号) or cause (案由), newest first."""
    if terms.id_number:
        return [], False
    queryset = (
        visible(m.Case.objects.all(), scope)
        .filter(terms.matches("id", "cause"))
        .annotate(exact=terms.exact())
        .select_related("unit", "lead_officer")
        .order_by("-exact", "-accepted_at", "pk")
    )
    rows, more = _rows(queryset, limit)
    hits = [
        Hit(
            Kind.CASE,
            cs.pk,
            str(cs),
            _join(
                [
                    cs.get_kind_display(),
                    cs.get_status_display(),
                    cs.unit.name,
                    f"主办 {cs.lead_officer.name}" if cs.lead_officer else None,
                ]
            ),
            reverse("records:case", args=[cs.pk]),
            cs.accepted_at,
            "受案",
        )
        for cs in rows
    ]
    return hits, more


def find_incidents(terms: Terms, scope: DataScope, limit: int) -> tuple[list[Hit], bool]:
    """警情 by number (编号), address (地址) or reporter (报警人), newest first."""
    if terms.id_number:
        return [], False
    queryset = (
        visible(m.Incident.objects.all(), scope)
        .filter(terms.matches("id", "address", "reporter_name"))
        .annotate(exact=terms.exact())
        .select_related("unit")
        .order_by("-exact", "-received_at", "pk")
    )
    rows, more = _rows(queryset, limit)
    hits = [
        Hit(
            Kind.INCIDENT,
            inc.pk,
            f"警情 {inc.pk}",
            _join(
                [
                    inc.get_category_display(),
                    inc.address,
                    f"报警人 {inc.reporter_name}" if inc.reporter_name else None,
                    inc.unit.name,
                ]
            ),
            reverse("records:incident", args=[inc.pk]),
            inc.received_at,
            "接警",
        )
        for inc in rows
    ]
    return hits, more


def find_persons(terms: Terms, scope: DataScope, limit: int) -> tuple[list[Hit], bool]:
    """涉案人员 by name (姓名), or by a whole 身份证号 (exactly: never by a part of one)."""
    if terms.id_number:
        # stored numbers may end in a lower-case x
        numbers = [terms.id_number, terms.id_number.lower()]
        matched = Q(id_number__in=list(dict.fromkeys(numbers)))
    else:
        matched = terms.matches("name")
    queryset = (
        visible(m.Person.objects.all(), scope)
        .filter(matched)
        .select_related("case", "case__unit")
        .order_by("-case__accepted_at", "pk")
    )
    rows, more = _rows(queryset, limit)
    hits = [
        Hit(
            Kind.PERSON,
            ps.pk,
            ps.name,
            _join(
                [
                    ps.get_role_display(),
                    f"身份证号 {mask_id_number(ps.id_number)}" if ps.id_number else None,
                    str(ps.case),
                    ps.case.unit.name,
                ]
            ),
            reverse("records:person", args=[ps.pk]),
            ps.case.accepted_at,
            "受案",
        )
        for ps in rows
    ]
    return hits, more


def find_officers(terms: Terms, scope: DataScope, limit: int) -> tuple[list[Hit], bool]:
    """民警 by 警号 (the officer's FZX id) or name (姓名)."""
    if terms.id_number:
        return [], False
    queryset = (
        visible(m.Officer.objects.all(), scope)
        .filter(terms.matches("id", "name"))
        .annotate(exact=terms.exact())
        .select_related("unit")
        .order_by("-exact", "-active", "name", "pk")
    )
    rows, more = _rows(queryset, limit)
    hits = [
        Hit(
            Kind.OFFICER,
            off.pk,
            off.name,
            _join(
                [
                    f"警号 {off.pk}",
                    off.unit.name,
                    off.get_role_display(),
                    None if off.active else "不在职",
                ]
            ),
            reverse("records:officer", args=[off.pk]),
            None,
        )
        for off in rows
    ]
    return hits, more


def find_problems(terms: Terms, scope: DataScope, limit: int) -> tuple[list[Hit], bool]:
    """整改问题 by number (#12), case number, rule (编号 or name) or responsible officer's name."""
    if terms.id_number:
        return [], False
    # the case, rule and officer matched in their own (indexed) tables, then joined on
    cases = m.Case.objects.filter(terms.matches("id")).values("pk")
    rules = Rule.objects.filter(terms.matches("code", "name")).values("pk")
    officers = m.Officer.objects.filter(terms.matches("name")).values("pk")
    matched = Q(case_id__in=cases) | Q(rule__in=rules) | Q(officer_id__in=officers)
    first: Case | Value = Value(0, output_field=IntegerField())
    if terms.problem_number is not None:
        matched |= Q(pk=terms.problem_number)
        first = Case(
            When(pk=terms.problem_number, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    queryset = (
        visible(Problem.objects.all(), scope)
        .filter(matched)
        .annotate(exact=first)
        .select_related("rule", "officer", "unit")
        .order_by("-exact", "-created_at", "-pk")
    )
    rows, more = _rows(queryset, limit)
    hits = [
        Hit(
            Kind.PROBLEM,
            str(p.pk),
            f"整改问题 #{p.pk} {p.rule.name}",
            _join(
                [
                    p.get_status_display(),
                    f"规则 {p.rule_id}",
                    f"责任民警 {p.officer.name}" if p.officer else None,
                    f"案件 {p.case_id}" if p.case_id else None,
                    p.unit.name if p.unit else None,
                ]
            ),
            reverse("rectification:detail", args=[p.pk]),
            p.created_at,
            "生成",
        )
        for p in rows
    ]
    return hits, more


FINDERS: dict[Kind, Callable[[Terms, DataScope, int], tuple[list[Hit], bool]]] = {
    Kind.CASE: find_cases,
    Kind.INCIDENT: find_incidents,
    Kind.PERSON: find_persons,
    Kind.OFFICER: find_officers,
    Kind.PROBLEM: find_problems,
}
