"""The search service: what each role finds (never a record outside his scope), how each field
is matched (a 身份证号 only whole), the audit row, and refused queries."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.search.error_codes import ErrorCode
from fazhi.search.kinds import Kind
from fazhi.search.services import SearchError, search
from fazhi.search.tests.conftest import ID_NUMBER, OTHER_ID_NUMBER, RULE_NAME, Scene

pytestmark = pytest.mark.django_db

SOUTH_OFFICERS = {"O-001", "O-003", "O-005", "O-006", "O-007"}  # 张伟 李娜 陈刚 刘洋 孙军
ALL_OFFICERS = {f"O-{i:03d}" for i in range(1, 10)}


def found(user: Any, query: str, kind: Kind) -> set[str]:
    results = search(user, query, kind=kind)
    (group,) = results.groups
    return {hit.id for hit in group.hits}


def problem_ids(scene: Scene, *keys: str) -> set[str]:
    return {str(scene.problems[k].pk) for k in keys}


# what each role may see of the scene (hand-written, not computed by the code under test)
SOUTH_UNIT = {
    "cases": {"C-S1", "C-S2"},
    "incidents": {"J-S1"},
    "persons": {"C-S1-P1", "C-S2-P1"},
    "problems": ("south",),
}
NORTH_UNIT = {
    "cases": {"C-N1"},
    "incidents": {"J-N1"},
    "persons": {"C-N1-P1"},
    "problems": ("north",),
}
BUREAU = {
    "cases": {"C-S1", "C-S2", "C-N1"},
    "incidents": {"J-S1", "J-N1"},
    "persons": {"C-S1-P1", "C-S2-P1", "C-N1-P1"},
    "problems": ("south", "north"),
}
# 民警 张伟: only his own cases (not 陈刚's C-S2 of the same unit), incidents and problems
OWN_SOUTH = {
    "cases": {"C-S1"},
    "incidents": {"J-S1"},
    "persons": {"C-S1-P1"},
    "problems": ("south",),
}
EXPECTED = {
    "zhang": OWN_SOUTH,
    "zhao": NORTH_UNIT,
    "li": SOUTH_UNIT,  # 法制员
    "chen": SOUTH_UNIT,  # 业务负责人
    "liu": SOUTH_UNIT,  # 分管法制领导
    "sun": SOUTH_UNIT,  # 所队长
    "wang": NORTH_UNIT,  # 法制员 城北
    "zhou": BUREAU,  # 法制大队
    "wu": BUREAU,  # 局领导
    "admin": BUREAU,
}


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_role_finds_exactly_what_its_scope_holds(
    bureau: Any, scene: Scene, username: str
) -> None:
    # given the same words in 城南 and 城北, when each role searches for them
    user = bureau.users[username]
    want = EXPECTED[username]
    # then he finds exactly the records of his scope, kind by kind
    assert found(user, "盗窃", Kind.CASE) == want["cases"]
    assert found(user, "幸福路", Kind.INCIDENT) == want["incidents"]
    assert found(user, "钱多多", Kind.INCIDENT) == want["incidents"]
    assert found(user, "孙小红", Kind.PERSON) == want["persons"]
    assert found(user, RULE_NAME[:4], Kind.PROBLEM) == problem_ids(scene, *want["problems"])
    officers = found(user, "O-0", Kind.OFFICER)
    if want is BUREAU:
        assert officers == ALL_OFFICERS
    elif want is SOUTH_UNIT:
        assert officers == SOUTH_OFFICERS
    elif want is NORTH_UNIT and username == "wang":
        assert officers == {"O-002", "O-004"}
    else:  # a 民警: himself at least, never an officer outside his unit
        own = bureau.officers[username].pk
        assert own in officers
        assert officers <= ({"O-002", "O-004"} if username == "zhao" else SOUTH_OFFICERS)


@pytest.mark.parametrize(
    ("username", "query", "kind", "hidden"),
    [
        ("zhao", "C-S1", Kind.CASE, "C-S1"),  # 民警 城北: a 城南 case by its number
        ("zhang", "C-S2", Kind.CASE, "C-S2"),  # 民警: a case of his unit he does not work on
        ("wang", "城南幸福路", Kind.INCIDENT, "J-S1"),  # 法制员 城北: a 城南 address
        ("sun", "J-N1", Kind.INCIDENT, "J-N1"),  # 所队长 城南: a 城北 incident number
        ("li", ID_NUMBER, Kind.PERSON, "C-N1-P1"),  # 法制员 城南: the 城北 person of a number
        ("zhang", OTHER_ID_NUMBER, Kind.PERSON, "C-S2-P1"),  # 民警: a person of another's case
        ("li", "赵强", Kind.OFFICER, "O-002"),  # 法制员 城南: a 城北 officer by name
        ("zhang", "O-002", Kind.OFFICER, "O-002"),  # 民警: another officer by 警号
        ("chen", "C-N1", Kind.PROBLEM, "north"),  # 业务负责人 城南: a 城北 problem by its case
        ("zhao", "张伟", Kind.PROBLEM, "south"),  # 民警 城北: 张伟's problem by his name
    ],
)
def test_a_user_never_finds_a_record_outside_his_scope(
    bureau: Any, scene: Scene, username: str, query: str, kind: Kind, hidden: str
) -> None:
    # given a record that matches the query but lies outside the user's scope
    if kind == Kind.PROBLEM:
        hidden = str(scene.problems[hidden].pk)
    # when he searches for it, then it is not among the hits (nor is anything else of that kind)
    assert hidden not in found(bureau.users[username], query, kind)
    # while a bureau-wide user finds it with the same query (the query does match it)
    assert hidden in found(bureau.users["zhou"], query, kind)


def test_a_problem_is_found_by_its_number(bureau: Any, scene: Scene) -> None:
    pk = scene.problems["south"].pk
    for query in (f"#{pk}", f"问题{pk}", f"整改问题#{pk}", f"{pk:02d}"):
        assert str(pk) in found(bureau.users["li"], query, Kind.PROBLEM)
    # 赵强's problem number, asked by 城南's 法制员: not found
    assert not found(bureau.users["li"], f"#{scene.problems['north'].pk}", Kind.PROBLEM)


# --- 身份证号: exactly, never a part of one -----------------------------------------------------


def test_an_id_number_finds_its_persons_exactly_and_only_persons(bureau: Any, scene: Scene) -> None:
    zhou = bureau.users["zhou"]
    results = search(zhou, ID_NUMBER)
    by_kind = {g.kind: {h.id for h in g.hits} for g in results.groups}
    assert by_kind[Kind.PERSON] == {"C-S1-P1", "C-N1-P1"}  # not 孙小红 of C-S2 (other number)
    assert all(not ids for k, ids in by_kind.items() if k != Kind.PERSON)
    # the check character typed in lower case is the same number
    assert found(zhou, ID_NUMBER.lower(), Kind.PERSON) == {"C-S1-P1", "C-N1-P1"}
    # shown masked
    (hit,) = [h for g in results.groups for h in g.hits if h.id == "C-S1-P1"]
    assert "110101********123X" in hit.detail
    assert ID_NUMBER not in hit.detail + hit.title


@pytest.mark.parametrize(
    "part",
    [
        ID_NUMBER[:17],  # all but the check character
        ID_NUMBER[:6],  # the region
        ID_NUMBER[6:14],  # the birth date
        ID_NUMBER[-4:],  # the last four, as shown masked
        ID_NUMBER[1:],  # 17 characters from the second on
        ID_NUMBER + "1",  # one too many
    ],
)
def test_a_part_of_an_id_number_finds_nobody(bureau: Any, scene: Scene, part: str) -> None:
    assert found(bureau.users["zhou"], part, Kind.PERSON) == set()


# --- matching ------------------------------------------------------------------------------


def test_two_characters_match_the_start_three_match_anywhere(bureau: Any, scene: Scene) -> None:
    zhou = bureau.users["zhou"]
    assert found(zhou, "孙小", Kind.PERSON) == {"C-S1-P1", "C-S2-P1", "C-N1-P1"}
    assert found(zhou, "小红", Kind.PERSON) == set()  # not the start of the name
    assert found(zhou, "幸福", Kind.INCIDENT) == set()  # the addresses start with 城南 / 城北
    assert found(zhou, "幸福路", Kind.INCIDENT) == {"J-S1", "J-N1"}
    assert found(zhou, "城南", Kind.INCIDENT) == {"J-S1"}
    assert found(zhou, "幸福路8", Kind.INCIDENT) == {"J-N1"}


def test_numbers_are_found_whatever_the_case_typed_and_the_exact_one_first(
    bureau: Any, scene: Scene
) -> None:
    li = bureau.users["li"]
    assert found(li, "c-s1", Kind.CASE) == {"C-S1"}
    # C-S2 is newer, but the case whose number is the query comes first
    results = search(li, "C-S", kind=Kind.CASE)
    assert [h.id for h in results.groups[0].hits] == ["C-S2", "C-S1"]
    results = search(li, "C-S1", kind=Kind.CASE)
    assert [h.id for h in results.groups[0].hits] == ["C-S1"]


def test_officers_by_name_and_number(bureau: Any, scene: Scene) -> None:
    zhou = bureau.users["zhou"]
    assert found(zhou, "赵强", Kind.OFFICER) == {"O-002"}
    assert found(zhou, "o-002", Kind.OFFICER) == {"O-002"}


def test_the_overview_limits_each_kind_and_says_there_are_more(bureau: Any, scene: Scene) -> None:
    results = search(bureau.users["zhou"], "盗窃", limit=2)
    (cases,) = [g for g in results.groups if g.kind == Kind.CASE]
    assert len(cases.hits) == 2
    assert cases.more
    assert [h.id for h in cases.hits] == ["C-N1", "C-S2"]  # newest first
    assert cases.hits[0].url == "/cases/C-N1/"


def test_hits_are_named_in_chinese(bureau: Any, scene: Scene) -> None:
    results = search(bureau.users["li"], "C-S1")
    hits = {(g.kind, h.id): h for g in results.groups for h in g.hits}
    case = hits[(Kind.CASE, "C-S1")]
    assert case.title == "盗窃案（C-S1）"
    assert case.detail == "行政 · 受案 · 城南派出所 · 主办 张伟"
    problem = hits[(Kind.PROBLEM, str(scene.problems["south"].pk))]
    assert problem.detail.startswith("待整改 · 规则 GF-T-01 · 责任民警 张伟 · 案件 C-S1")


# --- audit ---------------------------------------------------------------------------------


def test_every_search_is_audited_with_its_query_masked_when_it_is_an_id_number(
    bureau: Any, scene: Scene
) -> None:
    li = bureau.users["li"]
    before = AuditEvent.objects.count()
    search(li, "孙小红", remote_addr="10.0.0.7")
    search(li, ID_NUMBER, kind=Kind.PERSON)
    search(li, "报警 13812345678")
    rows = list(AuditEvent.objects.order_by("seq")[before:])
    assert [r.action for r in rows] == [AuditAction.SEARCH.value] * 3
    first, second, third = rows
    assert first.actor == "li"
    assert first.remote_addr == "10.0.0.7"
    assert first.details["query"] == "孙小红"
    assert first.details["kind"] == "all"
    assert first.details["found"] == {
        "case": 0, "incident": 0, "person": 2, "officer": 0, "problem": 0,
    }  # fmt: skip
    assert second.details["query"] == "110101********123X"
    assert second.details["kind"] == "person"
    assert ID_NUMBER not in str(second.details)
    assert third.details["query"] == "报警 138****5678"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", ErrorCode.QUERY_EMPTY),
        ("   ", ErrorCode.QUERY_EMPTY),
        (None, ErrorCode.QUERY_EMPTY),
        ("盗", ErrorCode.QUERY_TOO_SHORT),
        (" 盗 ", ErrorCode.QUERY_TOO_SHORT),
        ("盗" * 65, ErrorCode.QUERY_TOO_LONG),
    ],
)
def test_an_empty_short_or_long_query_is_refused_and_not_audited(
    bureau: Any, scene: Scene, query: str | None, code: ErrorCode
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(SearchError) as refused:
        search(bureau.users["li"], query)
    assert refused.value.code == code
    assert refused.value.status == 400
    assert refused.value.field == "q"
    assert AuditEvent.objects.count() == before


def test_an_unknown_kind_is_refused(bureau: Any, scene: Scene) -> None:
    with pytest.raises(SearchError) as refused:
        search(bureau.users["li"], "盗窃", kind="dispute")
    assert refused.value.code == ErrorCode.UNKNOWN_KIND


def test_a_user_without_scope_finds_nothing(bureau: Any, scene: Scene) -> None:
    from django.contrib.auth.models import User

    # an account with no profile (no role, no unit)
    nobody = User.objects.create_user("nobody", password=bureau.password)
    results = search(nobody, "盗窃")
    assert results.total == 0


@pytest.mark.parametrize("query", ["%%", "__", "%盗", "_窃", "\\%"])
def test_like_wildcards_are_plain_characters(bureau: Any, scene: Scene, query: str) -> None:
    # % and _ typed into the box are searched for, not used as patterns that match everything
    assert search(bureau.users["zhou"], query).total == 0
