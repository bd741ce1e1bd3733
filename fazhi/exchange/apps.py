from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class ExchangeConfig(registry.FazhiAppConfig):
    name = "fazhi.exchange"
    verbose_name = "数据交换"
