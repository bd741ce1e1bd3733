from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class DailycheckConfig(registry.FazhiAppConfig):
    name = "fazhi.dailycheck"
    verbose_name = "每日十问"
    url_prefix = "daily/"

    def ready(self) -> None:
        from fazhi.dailycheck import panels, services

        self.nav = (registry.NavEntry("daily", "每日十问", "/daily/", 40, "unit"),)
        self.workbench_panel = panels.workbench_panel
        self.tick_steps = (registry.TickStep("daily", 30, services.tick_daily, "每日十问"),)
