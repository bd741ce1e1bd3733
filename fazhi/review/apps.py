from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class ReviewConfig(registry.FazhiAppConfig):
    name = "fazhi.review"
    verbose_name = "研判复核"
    # The queue keeps the address it always had, so links and bookmarks hold.
    url_prefix = "intel/"

    def ready(self) -> None:
        from fazhi.review import pages, panels

        self.nav = (registry.NavEntry("intel", "研判", "/intel/", 60, "unit"),)
        self.workbench_panel = panels.workbench_panel
        self.page_extensions = {"finding": pages.finding_page}
