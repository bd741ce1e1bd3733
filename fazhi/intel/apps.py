from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class IntelConfig(registry.FazhiAppConfig):
    name = "fazhi.intel"
    verbose_name = "文本研判"
    url_prefix = "intel/"

    def ready(self) -> None:
        from fazhi.intel import panels

        self.nav = (registry.NavEntry("intel", "研判", "/intel/", 60, "unit"),)
        self.workbench_panel = panels.workbench_panel
