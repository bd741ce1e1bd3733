from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class TuningConfig(registry.FazhiAppConfig):
    name = "fazhi.tuning"
    verbose_name = "标准动态评估"
    url_prefix = "tuning/"

    def ready(self) -> None:
        from fazhi.tuning import pages

        # no navigation entry: only bureau-wide users may read it (the rules pages link to it)
        self.page_extensions = {
            "rule": pages.rule_page,
            "rules": pages.rules_page,
            "standard": pages.standard_page,
        }
