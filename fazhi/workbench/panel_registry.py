"""The panels other apps contribute to 我的工作台.

An app declares ``workbench_panel = panels.workbench_panel`` in its ``AppConfig.ready()``
(``fazhi.core.registry``); the function is ``(request, scope) -> dict | None``, the dict
``{"title": str, "template": "<app>/panel.html", "order": int, **context}``, and None means the
panel does not apply to this user.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from fazhi.core.registry import PanelFn, workbench_panels
from fazhi.core.scope import DataScope

DEFAULT_ORDER = 100


def collect_panels(
    request: HttpRequest, scope: DataScope, providers: Iterable[PanelFn] | None = None
) -> list[dict[str, Any]]:
    """The panels that apply to this user, sorted by their ``order``."""
    panels: list[dict[str, Any]] = []
    for provider in workbench_panels() if providers is None else providers:
        panel = provider(request, scope)
        if panel:
            panels.append(panel)
    panels.sort(key=lambda p: p.get("order", DEFAULT_ORDER))
    return panels
