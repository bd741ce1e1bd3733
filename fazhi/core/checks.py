"""System checks: the app registry (``fazhi.core.registry``) — a fazhi app that does not join
the site properly stops ``manage.py`` at start-up instead of silently contributing nothing — and
the deployment (``fazhi check --deploy``)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks

from fazhi.config import SHIPPED_SECRET_KEY
from fazhi.core.registry import NAV_AUDIENCES, FazhiAppConfig, fazhi_apps
from fazhi.core.scope import has_scope_resolver


def register() -> None:
    checks.register(check_app_registry, "fazhi")
    checks.register(shipped_secret_key, checks.Tags.security, deploy=True)
    checks.register(fanout_redelivery, "fazhi")


def _module_file(config: FazhiAppConfig, name: str) -> bool:
    return (Path(config.path) / f"{name}.py").exists()


def check_app_registry(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for config in apps.get_app_configs():
        if config.name.startswith("fazhi.") and not isinstance(config, FazhiAppConfig):
            errors.append(
                checks.Error(
                    f"{config.name} 的 AppConfig 须继承 fazhi.core.registry.FazhiAppConfig",
                    obj=config,
                    id="fazhi.E001",
                )
            )
    if not has_scope_resolver():
        errors.append(checks.Error("没有登记数据范围的计算（set_scope_resolver）", id="fazhi.E006"))
    steps: dict[str, str] = {}
    orders: dict[int, str] = {}
    nav: dict[str, str] = {}
    parts: dict[str, str] = {}
    for config in fazhi_apps():
        for step in config.tick_steps:
            if step.name in steps or step.order in orders:
                errors.append(
                    checks.Error(
                        f"定时任务步骤 {step.name}（顺序 {step.order}）与 "
                        f"{steps.get(step.name) or orders.get(step.order)} 重复",
                        obj=config,
                        id="fazhi.E002",
                    )
                )
            steps[step.name] = orders[step.order] = config.name
            if not callable(step.run):
                errors.append(
                    checks.Error(f"定时任务步骤 {step.name} 不可调用", obj=config, id="fazhi.E002")
                )
        for entry in config.nav:
            if entry.key in nav or entry.audience not in NAV_AUDIENCES:
                errors.append(
                    checks.Error(
                        f"导航项 {entry.key} 重复或可见范围 {entry.audience} 无效",
                        obj=config,
                        id="fazhi.E003",
                    )
                )
            nav[entry.key] = config.name
        for kind, fn in config.fanout_parts.items():
            if kind in parts or not callable(fn):
                errors.append(
                    checks.Error(
                        f"分片任务类别 {kind} 重复（{parts.get(kind)}）或不可调用",
                        obj=config,
                        id="fazhi.E007",
                    )
                )
            parts[kind] = config.name
        has_urls = _module_file(config, "urls")
        if has_urls != (config.url_prefix is not None):
            errors.append(
                checks.Error(
                    f"{config.name}：有 urls.py 就须声明 url_prefix，反之亦然",
                    obj=config,
                    id="fazhi.E004",
                )
            )
        elif has_urls and find_spec(f"{config.name}.urls") is None:
            errors.append(checks.Error(f"{config.name}.urls 无法找到", obj=config, id="fazhi.E004"))
        if _module_file(config, "panels") and config.workbench_panel is None:
            errors.append(
                checks.Error(
                    f"{config.name} 有 panels.py，但 ready() 没有登记 workbench_panel",
                    obj=config,
                    id="fazhi.E005",
                )
            )
    return errors


def shipped_secret_key(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """The settings refuse the shipped key outside debug mode; this catches the one way it can
    still be in use — a server started with ``FAZHI_DEBUG=1`` — and a key kept as a fallback."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if SHIPPED_SECRET_KEY not in keys:
        return []
    return [
        checks.Warning(
            "SECRET_KEY（或 SECRET_KEY_FALLBACKS）是随代码公开的开发密钥："
            "任何人都能伪造会话和表单令牌。",
            hint="设置环境变量 FAZHI_SECRET_KEY 为本单位自己的随机密钥，并去掉 FAZHI_DEBUG。",
            id="fazhi.W001",
        )
    ]


def fanout_redelivery(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A part whose worker vanished comes back after ``FAZHI_FANOUT_REDELIVER`` s; a caller
    that waits no longer than that gives the run up before the part is done again."""
    if settings.FANOUT_REDELIVER < settings.FANOUT_TIMEOUT:
        return []
    return [
        checks.Warning(
            f"FAZHI_FANOUT_REDELIVER（{settings.FANOUT_REDELIVER} 秒）不小于 FAZHI_FANOUT_TIMEOUT"
            f"（{settings.FANOUT_TIMEOUT} 秒）：后台进程意外退出时，其分片要等巡查放弃后才会重做。",
            hint="FAZHI_FANOUT_REDELIVER 应长于最慢的分片、远短于 FAZHI_FANOUT_TIMEOUT"
            "（默认 3600 与 21600）。",
            id="fazhi.W002",
        )
    ]
