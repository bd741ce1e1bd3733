from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class GongkaiConfig(registry.FazhiAppConfig):
    name = "fazhi.gongkai"
    verbose_name = "执法公开"
    url_prefix = "gongkai/"

    def ready(self) -> None:
        from fazhi.gongkai import pages

        # No nav entry: the portal is for the public, who never see the staff's navigation;
        # the staff meet it on the case page (签发查询码).
        self.page_extensions = {"case": pages.case_page}
