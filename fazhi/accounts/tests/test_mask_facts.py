"""The facts of a finding are masked the same way everywhere: one function (``mask_facts``) finds
身份证号 and phone numbers by the fact's name and, in any text, by pattern; the finding page, the
findings export and the API use it.

城南派出所: 李娜 (法制员, no ``accounts.unmask_pii``); 周敏 (法制大队, holds it).
"""

from __future__ import annotations

import copy
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from fazhi.core.masking import mask_facts
from fazhi.core.models import AuditEvent

ID = "110101199001011237"
PHONE = "13812345678"
TEXT_PHONE = "13912345678"
LANDLINE = "010-62345678"
FACTS: list[dict[str, Any]] = [
    {"field": "person.id_number", "label": "身份证号", "value": ID},
    {"field": "incident.reporter_phone", "label": "报警电话", "value": PHONE},
    {"field": "person.contact", "label": "联系电话", "value": LANDLINE},
    {"field": "incident.description", "label": "警情内容",
     "value": f"报警人（手机{TEXT_PHONE}）称被打"},
    {"field": "repeat.phone_incidents", "label": "同一报警电话的纠纷警情", "value": ["I-1", "I-2"]},
    {"field": "match.jaccard", "label": "相似度", "value": 0.93},
    {"field": "match.others", "label": "其他", "value": [{"transcript_id": "T-9", "phone": PHONE}]},
]  # fmt: skip
EXPLANATION = f"人员身份证号 {ID}，报警电话 {PHONE}：身份证号码校验位错误"
CLEAR = (ID, PHONE, TEXT_PHONE, LANDLINE)


# --- the function -------------------------------------------------------------------------------


def test_mask_facts_by_name_and_by_pattern() -> None:
    # given facts holding a 身份证号 and phones under their names and inside a text
    before = copy.deepcopy(FACTS)
    # when they are masked
    masked = mask_facts(FACTS, unmasked=False)
    values = {f["field"]: f["value"] for f in masked}
    # then every identifier is masked as core.masking masks it, whatever its place
    assert values["person.id_number"] == "110101********1237"
    assert values["incident.reporter_phone"] == "138****5678"
    assert values["person.contact"] == "010-****5678"
    assert values["incident.description"] == "报警人（手机139****5678）称被打"
    assert values["match.others"] == [{"transcript_id": "T-9", "phone": "138****5678"}]
    # and what is not an identifier is left as it was (a list of incidents of one phone)
    assert values["repeat.phone_incidents"] == ["I-1", "I-2"]
    assert values["match.jaccard"] == 0.93
    assert [f["label"] for f in masked] == [f["label"] for f in FACTS]
    # and the stored facts are not changed
    assert before == FACTS


def test_mask_facts_of_a_mapping_and_of_odd_values() -> None:
    masked = mask_facts(
        {"person.id_number": "12345", "repeat.phone": PHONE, "note": None, "n": 3}, unmasked=False
    )
    assert masked == {"person.id_number": "***45", "repeat.phone": "138****5678", "note": None,
                      "n": 3}  # fmt: skip
    assert mask_facts([], unmasked=False) == []
    assert mask_facts(None, unmasked=False) is None


def test_mask_facts_unmasked_is_an_unchanged_copy() -> None:
    clear = mask_facts(FACTS, unmasked=True)
    assert clear == FACTS
    assert clear is not FACTS


# --- where facts are shown ----------------------------------------------------------------------


@pytest.fixture
def finding(bureau: Any) -> Any:
    from fazhi.patrol.models import Finding, Rule

    rule = Rule.objects.create(
        code="SJ-T-01", pack="test", name="身份证号码无效", kind="condition",
        subject_type="person", check_name="test", default_severity="一般", basis="测试依据",
    )  # fmt: skip
    return Finding.objects.create(
        rule=rule, subject_type="person", subject_id="P-1", status="violation", severity="一般",
        unit=bureau.units["south"], officer=bureau.officers["zhang"], facts=FACTS,
        explanation=EXPLANATION, digest="x",
        trigger_at=datetime(2026, 9, 4, 14, tzinfo=ZoneInfo("Asia/Shanghai")),
    )  # fmt: skip


def client_for(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["li", "zhou"])
def test_finding_page_masks_the_facts(bureau: Any, finding: Any, user: str) -> None:
    # when a user opens the finding page (周敏 holds the unmask permission: pages mask all the
    # same, the clear value is revealed, audited, on the record's own page)
    response = client_for(bureau, user).get(f"/findings/{finding.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    # then the facts and the explanation show the identifiers masked
    assert "110101********1237" in page
    assert "138****5678" in page
    assert "139****5678" in page
    for clear in CLEAR:
        assert clear not in page, clear


@pytest.mark.django_db
def test_findings_list_masks_the_facts(bureau: Any, finding: Any) -> None:
    page = client_for(bureau, "li").get("/findings/").content.decode()
    assert "110101********1237" in page
    for clear in CLEAR:
        assert clear not in page, clear


@pytest.mark.django_db
def test_findings_export_masks_the_facts(bureau: Any, finding: Any) -> None:
    # when 李娜 exports the findings list
    response = client_for(bureau, "li").get("/findings/export.xlsx")
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    facts, explanation = str(rows[1][16]), str(rows[1][17])
    # then the facts and the explanation hold masked identifiers only
    assert "身份证号：110101********1237" in facts
    assert "报警电话：138****5678" in facts
    assert "110101********1237" in explanation
    for clear in CLEAR:
        assert clear not in facts + explanation, clear


@pytest.mark.django_db
def test_api_finding_masks_the_facts_without_the_permission(bureau: Any, finding: Any) -> None:
    # when 李娜 (no unmask permission) reads the finding through the API
    response = client_for(bureau, "li").get(f"/api/v1/findings/{finding.pk}")
    assert response.status_code == 200
    body = response.json()
    values = {f["field"]: f["value"] for f in body["facts"]}
    # then its facts and explanation are masked like the pages'
    assert values["person.id_number"] == "110101********1237"
    assert values["incident.reporter_phone"] == "138****5678"
    assert values["incident.description"] == "报警人（手机139****5678）称被打"
    for clear in CLEAR:
        assert clear not in response.content.decode(), clear
    event = AuditEvent.objects.get(actor="li", action="view.api.finding")
    assert "unmasked" not in event.details


@pytest.mark.django_db
def test_api_finding_is_clear_with_the_permission_and_says_so(bureau: Any, finding: Any) -> None:
    # when 周敏 (法制大队, holds accounts.unmask_pii) reads it, as the API does for persons
    body = client_for(bureau, "zhou").get(f"/api/v1/findings/{finding.pk}").json()
    # then the clear values are given and the call's audit row says it held them
    assert {f["field"]: f["value"] for f in body["facts"]}["person.id_number"] == ID
    assert body["explanation"] == EXPLANATION
    event = AuditEvent.objects.get(actor="zhou", action="view.api.finding")
    assert event.details["unmasked"] == ["facts"]


@pytest.mark.django_db
def test_problem_pages_mask_the_facts(bureau: Any, finding: Any) -> None:
    from fazhi.rectification.services.creation import push_problem

    # the push form shows the finding's facts, and so does the problem it makes
    push_form = client_for(bureau, "li").get(f"/problems/push/{finding.pk}/").content.decode()
    problem = push_problem(finding, actor=bureau.users["li"])
    detail = client_for(bureau, "zhang").get(f"/problems/{problem.pk}/").content.decode()
    for page in (push_form, detail):
        assert "110101********1237" in page
        for clear in CLEAR:
            assert clear not in page, clear
