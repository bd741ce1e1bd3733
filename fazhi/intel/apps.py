from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "fazhi.intel"
    verbose_name = "文本研判"
