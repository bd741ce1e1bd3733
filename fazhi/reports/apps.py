from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class ReportsConfig(registry.FazhiAppConfig):
    name = "fazhi.reports"
    verbose_name = "报告"
    url_prefix = "reports/"

    def ready(self) -> None:
        from fazhi.reports import panels, services

        self.nav = (registry.NavEntry("reports", "报告", "/reports/", 58, "unit"),)
        self.workbench_panel = panels.workbench_panel
        self.tick_steps = (registry.TickStep("reports", 60, services.tick_reports, "定时报告"),)
