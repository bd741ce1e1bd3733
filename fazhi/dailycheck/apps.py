from django.apps import AppConfig


class DailycheckConfig(AppConfig):
    name = "fazhi.dailycheck"
    verbose_name = "每日十问"
