"""The panels other apps contribute to 我的工作台.

An app provides ``workbench_panel(request, scope) -> dict | None`` in ``fazhi/<app>/panels.py``;
the dict is ``{"title": str, "template": "<app>/panel.html", "order": int, **context}`` and None
means the panel does not apply to this user. Modules are imported lazily so that an app not yet
built (or removed) simply contributes nothing.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.http import HttpRequest

from fazhi.core.scope import DataScope

log = logging.getLogger(__name__)

PANELS = [
    "fazhi.rectification.panels.workbench_panel",
    "fazhi.notifications.panels.workbench_panel",
    "fazhi.dailycheck.panels.workbench_panel",
    "fazhi.disputes.panels.workbench_panel",
    "fazhi.review.panels.workbench_panel",
]
DEFAULT_ORDER = 100


def collect_panels(
    request: HttpRequest, scope: DataScope, paths: list[str] | None = None
) -> list[dict[str, Any]]:
    """The panels that apply to this user, sorted by their ``order``."""
    panels: list[dict[str, Any]] = []
    for dotted in PANELS if paths is None else paths:
        module_name, _, func_name = dotted.rpartition(".")
        try:
            provider = getattr(importlib.import_module(module_name), func_name)
        except (ImportError, AttributeError) as exc:
            # A missing panel module is normal; a panel module that fails to import is a bug
            # worth a log line, but must not take the workbench down.
            missing = isinstance(exc, ModuleNotFoundError) and module_name.startswith(
                exc.name or ""
            )
            if isinstance(exc, ImportError) and not missing:
                log.warning("工作台面板 %s 无法加载：%s", dotted, exc)
            continue
        panel = provider(request, scope)
        if panel:
            panels.append(panel)
    panels.sort(key=lambda p: p.get("order", DEFAULT_ORDER))
    return panels
