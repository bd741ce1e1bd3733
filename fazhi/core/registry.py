"""What every fazhi app may contribute to the site, declared on its own ``AppConfig``.

An app joins the site in one place: its ``apps.py``. Its config subclasses ``FazhiAppConfig``
and, in ``ready()``, imports its own modules and fills the hooks it uses:

- ``url_prefix`` — where its ``urls.py`` is mounted (``None``: the app has no pages);
- ``nav`` — its entries in the top navigation (``NavEntry``);
- ``workbench_panel`` — its panel on 我的工作台 (``(request, scope) -> dict | None``);
- ``tick_steps`` — its steps of ``fazhi tick`` (``TickStep``, run in ``order``);
- ``page_extensions`` — what it adds to another app's page, by page key (``"case"``,
  ``"officer"``, ``"finding"``, …): ``(obj, request, scope) -> dict | None``, merged into that
  page's context, as NetBox's template extensions do;
- ``fanout_parts`` — the kinds of work it splits into parts for the Celery workers
  (``fazhi.core.fanout``), each ``kind -> (params, key) -> dict`` from its own ``tasks.py``.

The site reads these by walking the installed configs (``fazhi_apps()``), so no app imports an
app above it and nothing is looked up by a dotted path: a hook that names something missing is an
``ImportError`` at start-up, and ``fazhi.core.checks`` refuses what is malformed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig, apps
from django.http import HttpRequest

from fazhi.core.scope import DataScope

if TYPE_CHECKING:
    from django.contrib.auth.models import User

StepFn = Callable[[datetime, "User"], dict[str, Any]]
PanelFn = Callable[[HttpRequest, DataScope], dict[str, Any] | None]
ExtensionFn = Callable[[Any, HttpRequest, DataScope], dict[str, Any] | None]
# One part of a fanned-out job: (the job's params, the part's key) -> its result (JSON).
PartFn = Callable[[dict[str, Any], str], dict[str, Any]]

# Who sees a navigation entry: everyone, everyone but 民警, or staff (the admin site).
NAV_AUDIENCES = ("all", "unit", "staff")


@dataclass(frozen=True)
class TickStep:
    """One step of ``fazhi tick``: ``run(now, actor) -> dict`` claims its own work, so it is
    safe to repeat; steps run by ``order`` (lower first)."""

    name: str
    order: int
    run: StepFn
    label: str = ""


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    href: str
    order: int
    audience: str = "all"


class FazhiAppConfig(AppConfig):
    """The base of every fazhi app's config; the hooks are filled in ``ready()``."""

    url_prefix: str | None = None
    url_order: int = 100  # apps sharing a prefix are mounted in this order, then app order
    nav: Sequence[NavEntry] = ()
    workbench_panel: PanelFn | None = None
    tick_steps: Sequence[TickStep] = ()
    page_extensions: Mapping[str, ExtensionFn] = {}
    # A counter beside the notification bell of the top bar (unread notifications).
    bell_count: Callable[[User], int] | None = None
    # The kinds of fanned-out work whose parts the workers run (``fazhi.core.fanout``).
    fanout_parts: Mapping[str, PartFn] = {}


def fazhi_apps() -> list[FazhiAppConfig]:
    """The fazhi apps in INSTALLED_APPS order."""
    return [c for c in apps.get_app_configs() if isinstance(c, FazhiAppConfig)]


def url_mounts() -> list[tuple[str, str]]:
    """``(prefix, urls module)`` of every app with pages, in mounting order."""
    mounted = [c for c in fazhi_apps() if c.url_prefix is not None]
    mounted.sort(key=lambda c: c.url_order)  # stable: app order within the same url_order
    return [(c.url_prefix or "", f"{c.name}.urls") for c in mounted]


def tick_steps() -> list[TickStep]:
    return sorted((s for c in fazhi_apps() for s in c.tick_steps), key=lambda s: s.order)


def fanout_parts() -> dict[str, PartFn]:
    """Every app's part functions by kind (``fazhi.core.checks`` refuses a kind twice)."""
    return {kind: fn for c in fazhi_apps() for kind, fn in c.fanout_parts.items()}


def nav_entries() -> list[NavEntry]:
    return sorted((e for c in fazhi_apps() for e in c.nav), key=lambda e: e.order)


def workbench_panels() -> list[PanelFn]:
    return [c.workbench_panel for c in fazhi_apps() if c.workbench_panel is not None]


def page_extensions(page: str) -> list[ExtensionFn]:
    return [c.page_extensions[page] for c in fazhi_apps() if page in c.page_extensions]


def extend_page(page: str, obj: Any, request: HttpRequest, scope: DataScope) -> dict[str, Any]:
    """The context that other apps add to ``page`` about ``obj`` (merged in app order)."""
    context: dict[str, Any] = {}
    for extension in page_extensions(page):
        extra = extension(obj, request, scope)
        if extra:
            context.update(extra)
    return context


def bell_count(user: User) -> int:
    return sum(c.bell_count(user) for c in fazhi_apps() if c.bell_count is not None)
