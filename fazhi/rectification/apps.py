from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class RectificationConfig(registry.FazhiAppConfig):
    name = "fazhi.rectification"
    verbose_name = "整改闭环"
    url_prefix = "problems/"

    def ready(self) -> None:
        from fazhi.rectification import pages, panels
        from fazhi.rectification.services.tick import tick_rectification

        self.nav = (registry.NavEntry("problems", "整改", "/problems/", 30),)
        self.workbench_panel = panels.workbench_panel
        self.tick_steps = (
            registry.TickStep("rectification", 20, tick_rectification, "逐级督办与约谈提醒"),
        )
        self.page_extensions = {
            "finding": pages.finding_page,
            "rule": pages.rule_page,
            "officer": pages.officer_page,
        }
