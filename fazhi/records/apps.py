from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class RecordsConfig(registry.FazhiAppConfig):
    name = "fazhi.records"
    verbose_name = "执法要素"
    url_prefix = ""
