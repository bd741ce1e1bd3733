from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class StandardsConfig(registry.FazhiAppConfig):
    name = "fazhi.standards"
    verbose_name = "标准体系"
    url_prefix = "standards/"

    def ready(self) -> None:
        from fazhi.standards import pages

        self.nav = (registry.NavEntry("standards", "标准", "/standards/", 80),)
        self.page_extensions = {
            "rules": pages.rules_page,
            "rule": pages.rule_page,
            "finding": pages.finding_page,
        }
