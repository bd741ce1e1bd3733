"""A scene for the search tests: the same words in 城南 and 城北, so that every query has a hit
each user may see and one he may not.

城南 (U-CN): case C-S1 盗窃 led by 张伟 (zhang) from incident J-S1 (城南幸福路12号, reporter
钱多多, handled by 张伟); case C-S2 盗窃 led by 陈刚 (chen, not 张伟's); person 孙小红 in each.
城北 (U-CB): case C-N1 盗窃 led by 赵强 (zhao) from incident J-N1 (城北幸福路8号, reporter 钱多多,
handled by 赵强); person 孙小红 in it. 孙小红 of C-S1 and of C-N1 have the same 身份证号.
Problems (rule 受案后未按时出具回执): one of 张伟 about C-S1, one of 赵强 about C-N1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
ID_NUMBER = "11010119900101123X"
OTHER_ID_NUMBER = "110101198505054321"
RULE_NAME = "受案后未按时出具回执"


def sh(d: int, h: int = 9) -> datetime:
    return datetime(2026, 2, d, h, 0, tzinfo=SH)


@dataclass
class Scene:
    cases: dict[str, Any]
    incidents: dict[str, Any]
    persons: dict[str, Any]
    problems: dict[str, Any]


@pytest.fixture
def scene(bureau: Any) -> Scene:
    from fazhi.patrol.models import Finding, Rule
    from fazhi.records import models as m
    from fazhi.rectification.services.creation import push_problem

    units, officers = bureau.units, bureau.officers
    incidents = {}
    for key, pk, unit, address, officer in (
        ("south", "J-S1", "south", "城南幸福路12号", "zhang"),
        ("north", "J-N1", "north", "城北幸福路8号", "zhao"),
    ):
        inc = m.Incident.objects.create(
            id=pk, received_at=sh(20), source="110", category="治安", unit=units[unit],
            address=address, description="报警人称家中被盗。", reporter_name="钱多多",
            reporter_phone="13812345678",
        )  # fmt: skip
        m.IncidentOfficer.objects.create(incident=inc, officer=officers[officer], position=0)
        incidents[key] = inc
    cases = {}
    for key, pk, unit, lead, incident, day in (
        ("south", "C-S1", "south", "zhang", incidents["south"], 21),
        ("south2", "C-S2", "south", "chen", None, 22),
        ("north", "C-N1", "north", "zhao", incidents["north"], 23),
    ):
        cases[key] = m.Case.objects.create(
            id=pk, kind="行政", cause="盗窃", unit=units[unit], lead_officer=officers[lead],
            incident=incident, accepted_at=sh(day), status="受案",
        )  # fmt: skip
    persons = {}
    for key, case, id_number in (
        ("south", "south", ID_NUMBER),
        ("south2", "south2", OTHER_ID_NUMBER),
        ("north", "north", ID_NUMBER),
    ):
        persons[key] = m.Person.objects.create(
            id=f"{cases[case].pk}-P1", case=cases[case], name="孙小红", id_number=id_number,
            role="违法行为人",
        )  # fmt: skip
    rule = Rule.objects.create(
        code="GF-T-01", pack="test", name=RULE_NAME, kind="deadline", subject_type="case",
        check_name="test", default_severity="一般",
        basis="《公安机关办理行政案件程序规定》第六十一条", help_text="测试规则",
    )  # fmt: skip
    problems = {}
    for key, officer, pusher in (("south", "zhang", "li"), ("north", "zhao", "wang")):
        finding = Finding.objects.create(
            rule=rule, subject_type="case", subject_id=cases[key].pk, case=cases[key],
            status="violation", severity="一般", unit=officers[officer].unit,
            officer=officers[officer], trigger_at=sh(21), due_at=sh(22), facts=[],
            explanation="受案后24小时内应出具受案回执；至巡查时未出具。", is_open=True,
            first_seen_at=T0, digest="x",
        )  # fmt: skip
        problems[key] = push_problem(finding, actor=bureau.users[pusher], comment="请整改", now=T0)
    return Scene(cases, incidents, persons, problems)
