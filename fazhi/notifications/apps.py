from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "fazhi.notifications"
    verbose_name = "通知"
