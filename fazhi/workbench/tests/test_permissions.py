"""The permission matrix: every workbench page with a user who may open it and one who may not;
and every URL of the whole project refuses an anonymous visitor."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from fazhi.testing.scene import Scene

pytestmark = pytest.mark.django_db

# (url template, allowed user, refused user, refused status). {…} are filled from the scene.
MATRIX = [
    ("/", "zhang", None, None),
    ("/findings/", "wang", None, None),
    ("/findings/{warning}/", "li", "wang", 404),  # 城北 legal officer, 城南 finding
    ("/findings/{warning}/", "zhang", "zhao", 404),  # another 民警
    ("/findings/{violation}/", "wang", "li", 404),
    ("/cases/{south_case}/", "zhang", "wang", 404),
    ("/cases/{south_case}/", "wu", "zhao", 404),  # 局领导 sees all; zhao not zhang's case
    ("/cases/{south_case}/", "chen", "wang", 404),  # 业务负责人 城南
    ("/cases/{north_case}/", "wang", "zhang", 404),
    ("/incidents/{incident}/", "zhang", "wang", 404),
    ("/incidents/{incident}/", "sun", "zhao", 404),
    ("/persons/{person}/", "li", "wang", 404),
    ("/persons/{person}/", "zhang", "zhao", 404),
    ("/officers/{zhang}/", "li", "wang", 404),
    ("/officers/{zhang}/", "zhang", "zhao", 404),  # a 民警: his own unit only
    ("/rules/", "zhang", None, None),
    ("/rules/XS-JL-04/", "zhang", None, None),
    ("/standards/", "zhang", None, None),
    ("/standards/BZ-T-01/", "zhang", None, None),
    ("/findings/export.xlsx", "li", None, None),
]


def fill(url: str, scene: Scene) -> str:
    return url.format(
        warning=scene.warning.pk,
        violation=scene.violation.pk,
        south_case=scene.south_case.pk,
        north_case=scene.north_case.pk,
        incident=scene.south_incident.pk,
        person=scene.person.pk,
        zhang=scene.bureau.officers["zhang"].pk,
    )


@pytest.mark.parametrize(("url", "allowed", "refused", "status"), MATRIX)
def test_page_allows_one_user_and_refuses_another(
    scene: Scene, url: str, allowed: str, refused: str | None, status: int | None
) -> None:
    target = fill(url, scene)
    assert scene.client(allowed).get(target).status_code == 200
    anonymous = Client().get(target)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    if refused is not None:
        assert scene.client(refused).get(target).status_code == status


def test_out_of_scope_findings_are_not_listed_nor_exported(scene: Scene) -> None:
    wang = scene.client("wang")
    assert "XS-JL-04</a>" not in wang.get("/findings/").content.decode()
    assert "共 1 条" in wang.get("/findings/").content.decode()
    zhao = scene.client("zhao")
    assert "XS-JL-04</a>" not in zhao.get("/findings/").content.decode()


@pytest.mark.parametrize("user", ["zhang", "li", "wang", "chen", "wu"])
def test_only_the_legal_brigade_and_administrators_change_rules(scene: Scene, user: str) -> None:
    response = scene.client(user).post(
        "/rules/XS-JL-04/settings/", {"enabled": "on", "severity": "严重", "reason": "试图修改"}
    )
    assert response.status_code == 403
    from fazhi.patrol.models import RuleChange

    assert not RuleChange.objects.exists()


@pytest.mark.parametrize("user", ["zhou", "admin"])
def test_rule_editors_may_change_rules(scene: Scene, user: str) -> None:
    response = scene.client(user).post(
        "/rules/XS-JL-04/settings/", {"enabled": "on", "severity": "严重", "reason": "从严"}
    )
    assert response.status_code == 302


def test_rule_settings_accept_only_post(scene: Scene) -> None:
    assert scene.client("zhou").get("/rules/XS-JL-04/settings/").status_code == 405


# --- every URL of the project refuses an anonymous visitor -----------------------------------

# Pages meant for people who are not signed in (by URL name).
PUBLIC = {"core:login", "core:logout", "admin:login", "admin:logout", "ops:healthz"}
PUBLIC_NAMESPACES = {"public", "portal"}  # 执法公开: a query code, never a session
# Names kept for old links whose path an earlier pattern now serves ("/" is the workbench).
SHADOWED = {"core:home"}

_GROUP = re.compile(r"\(\?P<(\w+)>([^()]*(?:\([^()]*\)[^()]*)*)\)")
_CONVERTER_SAMPLES = {
    "int": "1", "str": "x", "slug": "x", "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}  # fmt: skip


def _sample_regex(regex: str) -> str:
    """A path matching a regex URL pattern: named groups become the first listed alternative
    (admin's app labels) or a dummy value."""

    def group(match: re.Match[str]) -> str:
        body = match.group(2)
        if re.fullmatch(r"[\w|-]+", body):
            return body.split("|")[0]
        if r"\d" in body:
            return "1"
        return "x"

    text = _GROUP.sub(group, regex)
    text = text.lstrip("^").replace(r"\Z", "").rstrip("$")
    return re.sub(r"\\(.)", r"\1", text)


def _sample_route(route: str) -> str:
    def group(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return _CONVERTER_SAMPLES.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?\w+>", group, route)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        piece = (
            _sample_route(str(p.pattern))
            if hasattr(p.pattern, "_route")
            else _sample_regex(p.pattern.regex.pattern)
        )
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _walk(p.url_patterns, prefix + piece, full_ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + piece, name


def project_urls() -> list[tuple[str, str]]:
    return sorted(set(_walk(get_resolver().url_patterns, "/")))


def _refused(response: Any) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code in (301, 302):
        location = response["Location"]
        return location.startswith((str(settings.LOGIN_URL), "/login/", "/admin/login/"))
    return False


def test_the_url_walk_covers_every_app() -> None:
    urls = [u for u, _ in project_urls()]
    for prefix in ["/cases/", "/findings/", "/rules/", "/admin/"]:
        assert any(u.startswith(prefix) for u in urls), prefix
    assert len(urls) > 30


def test_every_url_refuses_an_anonymous_visitor(bureau: Any) -> None:
    client = Client()
    checked = 0
    for url, name in project_urls():
        namespace = name.split(":")[0] if ":" in name else ""
        if name in PUBLIC or namespace in PUBLIC_NAMESPACES or url.startswith("/static/"):
            continue
        try:
            match = resolve(url)
        except Resolver404:
            pytest.fail(f"{url}（{name}）：无法为该地址生成样例路径")
        # the sample must reach the pattern it was made for (unless an earlier one shadows it)
        assert not name or name in SHADOWED or match.view_name == name, (url, name)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert _refused(response), (
                f"{method.upper()} {url}（{name}）对未登录用户返回 {response.status_code}"
            )
        checked += 1
    assert checked > 30


# --- no dead ends: what a 民警's pages link to opens for him ---------------------------------


def test_an_officer_sees_the_incident_his_case_came_from(scene: Scene) -> None:
    # given an incident zhang did not handle, from which a case of his (led) and a case he
    # assists came
    from fazhi.records import models as m

    south, zhang = scene.bureau.units["south"], scene.bureau.officers["zhang"]
    lead, helper = scene.bureau.officers["li"], zhang
    for n, (led_by, assisted_by) in enumerate([(zhang, None), (lead, helper)], start=2):
        incident = m.Incident.objects.create(
            id=f"J-S{n}", received_at=scene.now, source="110", category="刑事", unit=south,
            address="城南路2号", description="报警", reporter_name="甲",
        )  # fmt: skip
        case = m.Case.objects.create(
            id=f"A-S{n}", kind="刑事", cause="盗窃", unit=south, lead_officer=led_by,
            incident=incident, accepted_at=scene.now, status="受案",
        )  # fmt: skip
        if assisted_by is not None:
            m.CaseOfficer.objects.create(case=case, officer=assisted_by, position=0)
    # when zhang opens his cases and follows the link to each incident
    for n in (2, 3):
        page = scene.client("zhang").get(f"/cases/A-S{n}/").content.decode()
        assert f'href="/incidents/J-S{n}/"' in page
        # then the incident opens for him, not for a 民警 of another unit
        assert scene.client("zhang").get(f"/incidents/J-S{n}/").status_code == 200
        assert scene.client("zhao").get(f"/incidents/J-S{n}/").status_code == 404


def test_an_officer_sees_his_units_officers_not_another_units(scene: Scene) -> None:
    li, wang = scene.bureau.officers["li"], scene.bureau.officers["wang"]
    # 李娜 is a 城南 colleague of zhang's, 王芳 is in 城北
    assert scene.client("zhang").get(f"/officers/{li.pk}/").status_code == 200
    assert scene.client("zhang").get(f"/officers/{wang.pk}/").status_code == 404
    assert scene.client("zhao").get(f"/officers/{wang.pk}/").status_code == 200


def test_error_pages_have_the_navigation_and_say_what_happened(scene: Scene) -> None:
    # a record out of scope: 404 in the site's layout, with the top bar and a way back
    response = scene.client("zhao").get(f"/cases/{scene.south_case.pk}/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in page
    assert 'aria-label="主导航"' in page
    assert "页面不存在" in page
    assert "不在您的数据权限范围内" in page
    # a refused action: 403 the same way
    response = scene.client("zhang").post(
        "/rules/XS-JL-04/settings/", {"enabled": "on", "severity": "严重", "reason": "试图修改"}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert 'class="topbar"' in page
    assert "无权访问" in page
    assert "只有法制大队和管理员可以修改规则设置" in page


@pytest.mark.parametrize(
    ("url", "status_label"),
    [
        ("/findings/help/", "超期办理"),
        ("/problems/help/", "已整改待审核"),
        ("/cases/help/", "移送审查起诉"),
        ("/disputes/help/", "化解中"),
    ],
)
def test_each_area_has_a_help_page_for_every_role(
    scene: Scene, url: str, status_label: str
) -> None:
    for user in ("zhang", "li", "wu"):
        response = scene.client(user).get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert status_label in page
        assert "下一步怎么做" in page
