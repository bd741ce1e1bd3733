from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "fazhi.rectification"
    verbose_name = "整改闭环"
