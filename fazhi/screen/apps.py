from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class ScreenConfig(registry.FazhiAppConfig):
    name = "fazhi.screen"
    verbose_name = "执法智慧大屏"
    url_prefix = "screen/"

    def ready(self) -> None:
        # 民警 have no screen of their own (permissions.can_view): the entry is for unit roles.
        self.nav = (registry.NavEntry("screen", "大屏", "/screen/", 95, audience="unit"),)
