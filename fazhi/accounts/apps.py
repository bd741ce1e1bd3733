from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fazhi.accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from fazhi.accounts import signals

        signals.connect()
