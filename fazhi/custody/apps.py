from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class CustodyConfig(registry.FazhiAppConfig):
    name = "fazhi.custody"
    verbose_name = "涉案财物管理"
    url_prefix = "custody/"

    def ready(self) -> None:
        from fazhi.custody import services

        self.nav = (registry.NavEntry("custody", "财物", "/custody/", 58, "unit"),)
        # after the patrol (10): the 核对差异 page reads what this stores for each patrol run
        self.tick_steps = (
            registry.TickStep("custody", 15, services.refresh_differences, "涉案财物核对差异"),
        )
