from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class DisputesConfig(registry.FazhiAppConfig):
    name = "fazhi.disputes"
    verbose_name = "矛盾纠纷"
    url_prefix = "disputes/"

    def ready(self) -> None:
        from fazhi.disputes import panels, services, tasks

        self.nav = (registry.NavEntry("disputes", "纠纷", "/disputes/", 50),)
        self.workbench_panel = panels.workbench_panel
        self.tick_steps = (
            registry.TickStep("disputes", 40, services.tick_disputes, "纠纷研判与回访"),
        )
        self.fanout_parts = {tasks.KIND: tasks.tick_part}
