from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class SearchConfig(registry.FazhiAppConfig):
    name = "fazhi.search"
    verbose_name = "搜索"
    # The box is in the top bar of every page (core/base.html), so the app has no nav entry.
    url_prefix = "search/"
