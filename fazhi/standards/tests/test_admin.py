"""Standards in the admin: a new version is published through ``revise_standard`` and a new
standard added through ``add_standard``, both audited with the reason; rows are never edited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from fazhi.accounts.services import system_user
from fazhi.core.models import AuditEvent
from fazhi.patrol.pack import load_pack
from fazhi.patrol.services import sync_rules
from fazhi.standards.models import Standard
from fazhi.standards.services import sync_pack_standards

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(bureau: Any) -> Standard:
    sync_rules(load_pack())
    sync_pack_standards(actor=system_user())
    return Standard.objects.get(code="BZ-LC-01")


def _client(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client


def _revision(**changes: Any) -> dict[str, Any]:
    return {
        "title": "警情处置时限", "text": "12小时内处置完毕。", "rules": ["JQ-01"],
        "effective_from": "2026-12-01", "reason": "局务会决定收紧处置时限", **changes,
    }  # fmt: skip


def test_a_revision_published_in_the_admin_is_a_new_audited_version(
    bureau: Any, standard: Standard
) -> None:
    client = _client(bureau, "admin")
    # given the standard's page offers to publish a new version, prefilled with this one
    page = client.get(f"/admin/standards/standard/{standard.pk}/change/").content.decode()
    revise_url = f"/admin/standards/standard/{standard.pk}/revise/"
    assert revise_url in page
    form = client.get(revise_url)
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["title"] == standard.title
    # when the superuser publishes a revision with a reason
    response = client.post(revise_url, _revision())
    # then a second version exists, the first ends the day before, and the audit says why
    new = Standard.objects.get(code="BZ-LC-01", version=2)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/standards/standard/{new.pk}/change/"
    standard.refresh_from_db()
    assert (standard.effective_to, new.effective_from) == (date(2026, 11, 30), date(2026, 12, 1))
    assert (new.text, new.updated_by) == ("12小时内处置完毕。", "admin")
    assert list(new.rules.values_list("code", flat=True)) == ["JQ-01"]
    event = AuditEvent.objects.get(action="standard.revise")
    assert (event.actor, event.target_id) == ("admin", "BZ-LC-01")
    assert event.details["reason"] == "局务会决定收紧处置时限"
    # and the old version offers no second revision
    old_page = client.get(f"/admin/standards/standard/{standard.pk}/change/").content.decode()
    assert revise_url not in old_page


def test_a_bad_revision_comes_back_with_a_chinese_error(bureau: Any, standard: Standard) -> None:
    client = _client(bureau, "admin")
    url = f"/admin/standards/standard/{standard.pk}/revise/"
    # when the new version would start before the current one, or no reason is given
    early = client.post(url, _revision(effective_from="2025-01-01"))
    no_reason = client.post(url, _revision(reason=""))
    # then the form comes back naming the problem, and nothing was published
    assert early.status_code == 200
    assert "新版本生效日期必须晚于" in early.content.decode()
    assert no_reason.status_code == 200
    assert no_reason.context["adminform"].form.errors["reason"]
    assert Standard.objects.filter(code="BZ-LC-01").count() == 1
    assert not AuditEvent.objects.filter(action="standard.revise").exists()


def test_a_standard_cannot_be_edited_or_deleted_in_the_admin(
    bureau: Any, standard: Standard
) -> None:
    client = _client(bureau, "admin")
    base = f"/admin/standards/standard/{standard.pk}"
    # when the superuser posts an edit of the row, or its deletion
    edited = client.post(
        f"{base}/change/",
        {"code": "BZ-LC-01", "title": "改", "category": standard.category, "text": "改",
         "effective_from": "2026-01-01", "version": 1},
    )  # fmt: skip
    deleted = client.post(f"{base}/delete/", {"post": "yes"})
    # then both are refused and the version is as it was
    assert (edited.status_code, deleted.status_code) == (403, 403)
    standard.refresh_from_db()
    assert standard.text != "改"
    assert not AuditEvent.objects.filter(action="standard.edit").exists()


def test_a_staff_user_without_the_permission_cannot_publish_a_revision(
    bureau: Any, standard: Standard
) -> None:
    # given zhou (法制大队, staff, not a superuser) without the admin's permissions
    client = _client(bureau, "zhou")
    url = f"/admin/standards/standard/{standard.pk}/revise/"
    # then the revision page and its post are refused, and nothing is published
    assert client.get(url).status_code == 403
    assert client.post(url, _revision()).status_code == 403
    assert Standard.objects.filter(code="BZ-LC-01").count() == 1


def test_a_standard_added_in_the_admin_is_audited_with_the_reason(
    bureau: Any, standard: Standard
) -> None:
    client = _client(bureau, "admin")
    fields = {
        "code": "BZ-BJ-01", "title": "本局询问室使用规定", "category": "执法办案",
        "text": "询问室使用前登记。", "rules": ["JQ-01"], "effective_from": "2026-10-01",
        "source": "", "reason": "本局新规定",
    }  # fmt: skip
    # when the superuser adds a standard of the bureau's own
    response = client.post("/admin/standards/standard/add/", fields)
    # then it is version 1 from 本局文件, and the audit row has the reason
    assert response.status_code == 302
    new = Standard.objects.get(code="BZ-BJ-01")
    assert (new.version, new.source, new.updated_by) == (1, "本局文件", "admin")
    event = AuditEvent.objects.get(action="standard.create", target_id="BZ-BJ-01")
    assert (event.actor, event.details["reason"]) == ("admin", "本局新规定")
    # when an existing code is added again, it is refused with a pointer to revising
    again = client.post("/admin/standards/standard/add/", {**fields, "code": "BZ-LC-01"})
    assert again.status_code == 200
    assert "已存在" in again.content.decode()
    assert Standard.objects.filter(code="BZ-LC-01").count() == 1
