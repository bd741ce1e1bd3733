from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class PatrolConfig(registry.FazhiAppConfig):
    name = "fazhi.patrol"
    verbose_name = "智能巡查"
    url_prefix = ""

    def ready(self) -> None:
        from fazhi.patrol import pages, services, tasks

        self.nav = (
            registry.NavEntry("findings", "发现", "/findings/", 10),
            registry.NavEntry("rules", "规则", "/rules/", 70),
        )
        self.tick_steps = (registry.TickStep("patrol", 10, services.tick_patrol, "增量巡查"),)
        self.fanout_parts = {tasks.KIND: tasks.patrol_part}
        self.page_extensions = {
            "case": pages.case_page,
            "incident": pages.incident_page,
            "person": pages.person_page,
            "officer": pages.officer_page,
        }
