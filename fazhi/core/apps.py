from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class CoreConfig(registry.FazhiAppConfig):
    name = "fazhi.core"
    verbose_name = "系统与审计"
    url_prefix = ""
    # Mounted last: its "" is only the old name of 我的工作台 (core:home), a redirect.
    url_order = 1000

    def ready(self) -> None:
        from fazhi.core import checks

        checks.register()
