from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class NotificationsConfig(registry.FazhiAppConfig):
    name = "fazhi.notifications"
    verbose_name = "通知"
    url_prefix = "notifications/"

    def ready(self) -> None:
        from fazhi.notifications import panels, services

        self.workbench_panel = panels.workbench_panel
        self.bell_count = services.unread_count
        self.tick_steps = (
            registry.TickStep("notifications", 50, services.tick_deliver, "通知推送"),
        )
