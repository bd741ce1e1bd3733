from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class AccountsConfig(registry.FazhiAppConfig):
    name = "fazhi.accounts"
    verbose_name = "账号与角色"
    url_prefix = "accounts/"

    def ready(self) -> None:
        from fazhi.accounts import scope, signals
        from fazhi.core.scope import set_scope_resolver

        signals.connect()
        set_scope_resolver(scope.scope_of)
