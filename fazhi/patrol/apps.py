from django.apps import AppConfig


class PatrolConfig(AppConfig):
    name = "fazhi.patrol"
    verbose_name = "智能巡查"
