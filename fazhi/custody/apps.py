from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class CustodyConfig(registry.FazhiAppConfig):
    name = "fazhi.custody"
    verbose_name = "涉案财物管理"
    url_prefix = "custody/"

    def ready(self) -> None:
        self.nav = (registry.NavEntry("custody", "财物", "/custody/", 58, "unit"),)
