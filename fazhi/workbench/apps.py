from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "fazhi.workbench"
    verbose_name = "工作台"
