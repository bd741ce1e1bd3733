from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "fazhi.standards"
    verbose_name = "标准体系"
