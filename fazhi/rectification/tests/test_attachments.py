"""Attachments: stored under MEDIA_ROOT/attachments/yyyy/mm, checked, downloaded in scope only."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from fazhi.core.models import AuditEvent
from fazhi.rectification.models import Attachment, ProblemStatus
from fazhi.rectification.services.transitions import submit_fix
from fazhi.rectification.tests import samples
from fazhi.rectification.tests.conftest import PDF, T0, upload

pytestmark = pytest.mark.django_db

PNG = samples.image("PNG")


def test_an_attachment_is_stored_with_name_size_and_digest(bureau, problem, media):
    submit_fix(
        problem,
        actor=bureau.users["zhang"],
        comment="见附件",
        files=[upload(), upload("现场.png", PNG)],
        now=T0,
    )
    pdf, png = Attachment.objects.order_by("pk")
    assert (pdf.original_name, pdf.size, pdf.sha256) == (
        "整改报告.pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    assert pdf.uploaded_by == "zhang"
    # stored under attachments/yyyy/mm with a random name, never the user's file name
    assert pdf.file.name.startswith("attachments/2026/03/")
    assert pdf.file.name.endswith(".pdf")
    assert (media / pdf.file.name).read_bytes() == PDF
    assert png.original_name == "现场.png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "类型不允许"),
        ("说明", b"%PDF-1.4", "类型不允许"),
        ("假的.pdf", b"MZ\x90\x00 not a pdf", "不是 PDF 文件"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_refused_attachments_leave_nothing_written(bureau, problem, media, name, content, message):
    with pytest.raises(ValidationError, match=message) as info:
        submit_fix(
            problem,
            actor=bureau.users["zhang"],
            comment="见附件",
            files=[upload(), upload(name, content)],
            now=T0,
        )
    assert name.split("/")[-1] in info.value.messages[0]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert not Attachment.objects.exists()
    assert not (media / "attachments").exists()


def test_a_file_over_20_mb_is_refused(bureau, problem):
    big = upload("大文件.pdf", PDF + b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError, match="超过 20 MB"):
        submit_fix(problem, actor=bureau.users["zhang"], comment="见附件", files=[big], now=T0)


def test_office_files_are_accepted(bureau, problem):
    files = [
        upload("a.docx", samples.docx()),
        upload("b.xls", samples.xls()),
    ]
    submit_fix(problem, actor=bureau.users["zhang"], comment="见附件", files=files, now=T0)
    assert Attachment.objects.count() == 2


def test_download_in_scope_and_refused_to_another_unit(bureau, problem, client):
    submit_fix(
        problem,
        actor=bureau.users["zhang"],
        comment="见附件",
        files=[upload()],
        now=T0 + timedelta(hours=1),
    )
    attachment = Attachment.objects.get()
    url = f"/problems/attachments/{attachment.pk}/"
    # 李娜 (城南法制员) downloads it, and the download is logged
    client.force_login(bureau.users["li"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="download.attachment", actor="li").exists()
    # 王芳 (城北法制员) and 赵强 (城北民警) are refused as if it did not exist
    for name in ("wang", "zhao"):
        client.force_login(bureau.users[name])
        assert client.get(url).status_code == 404, name
    # and anonymous users go to the login page
    client.logout()
    assert client.get(url).status_code == 302
