from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class WorkbenchConfig(registry.FazhiAppConfig):
    name = "fazhi.workbench"
    verbose_name = "工作台"
    url_prefix = ""

    def ready(self) -> None:
        self.nav = (
            registry.NavEntry("home", "工作台", "/", 0),
            registry.NavEntry("admin", "数据管理", "/admin/", 900, "staff"),
        )
