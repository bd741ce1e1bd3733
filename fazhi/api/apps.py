from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class ApiConfig(registry.FazhiAppConfig):
    name = "fazhi.api"
    verbose_name = "接口"
    url_prefix = "api/"
