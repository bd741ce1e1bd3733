"""The service desk in a real browser: the case's officer files a 伤势鉴定 from the case page; the
centre's 执法服务专岗 takes it from her queue, accepts it and completes it with the 鉴定意见书
uploaded; the officer is told."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from fazhi.conftest import screenshot, sign_in
from fazhi.notifications.models import Notification
from fazhi.servicedesk.models import RequestStatus, ServiceRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(path: Any) -> str:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_file_take_accept_and_complete_in_the_browser(
    page: Any, desk: Any, media: Any, tmp_path: Any
) -> None:
    password = desk.bureau.password
    # given 张伟, who leads case C-1: he files a 伤势鉴定 from the case page
    sign_in(page, "zhang", password)
    page.goto(page.base_url + "/cases/C-1/")
    form = page.locator("#service-form")
    form.locator("select[name=kind]").select_option("injury")
    form.locator("textarea[name=detail]").fill("被害人面部受伤，请联系鉴定机构")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    req = ServiceRequest.objects.get()
    assert "待受理" in page.inner_text("h1")
    # when the centre's 执法服务专岗 opens her queue and takes the request
    page.context.clear_cookies()
    sign_in(page, "desk", password)
    page.goto(page.base_url + "/servicedesk/")
    assert "伤势鉴定" in page.inner_text("#requests")
    page.click(f"#requests a[href='/servicedesk/{req.pk}/']")
    page.wait_for_load_state("networkidle")
    page.click(f"form[action='/servicedesk/{req.pk}/accept/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "办理中" in page.inner_text("h1")
    # and completes it with the result and the 鉴定意见书 uploaded
    done = page.locator(f"form[action='/servicedesk/{req.pk}/complete/']")
    done.locator("textarea[name=result]").fill("鉴定为轻微伤（二级）")
    done.locator("input[name=files]").set_input_files(_png(tmp_path / "鉴定意见书.png"))
    done.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "servicedesk-done")
    # then the request is done with its paper attached, and 张伟 is told
    assert "已办结" in page.inner_text("h1")
    assert "鉴定意见书.png" in page.content()
    req.refresh_from_db()
    assert (req.status, req.result, req.handler_login) == (
        RequestStatus.DONE, "鉴定为轻微伤（二级）", "desk",
    )  # fmt: skip
    assert req.attachments.get().original_name == "鉴定意见书.png"
    assert Notification.objects.filter(user__username="zhang", title__contains="已办结").exists()
