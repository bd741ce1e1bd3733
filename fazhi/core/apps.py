from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    verbose_name = "工作台"

    def ready(self) -> None:
        from fazhi.core import checks  # noqa: F401 -- registers the deploy checks
