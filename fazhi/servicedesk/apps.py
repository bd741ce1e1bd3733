from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class ServiceDeskConfig(registry.FazhiAppConfig):
    name = "fazhi.servicedesk"
    verbose_name = "执法服务专岗"
    url_prefix = "servicedesk/"

    def ready(self) -> None:
        from fazhi.servicedesk import pages, panels, services

        self.nav = (registry.NavEntry("servicedesk", "服务", "/servicedesk/", 57),)
        self.workbench_panel = panels.workbench_panel
        self.tick_steps = (
            registry.TickStep("servicedesk", 47, services.tick_servicedesk, "服务申请预警与督办"),
        )
        self.page_extensions = {"case": pages.case_page}
