"""The ``fazhi`` console command: Django's management commands under friendlier names.

``fazhi import`` and ``fazhi export`` map to the ``fzx_import``/``fzx_export`` commands (a module
cannot be named ``import``); everything else (``fazhi migrate``, ``fazhi patrol`` …) passes through.
"""

from __future__ import annotations

import os
import sys

from fazhi.config import data_dir, write_secret_key

ALIASES = {"import": "fzx_import", "export": "fzx_export"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "fazhi"
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    if args[1:2] == ["demo"] and not os.environ.get("FAZHI_SECRET_KEY"):
        # The demo needs no setup, yet must not sign with the published development key (it
        # may be shown over the network): it gets a key of its own in its data directory,
        # which the settings then read, for the demo and every later command on that data.
        write_secret_key(data_dir())
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- loads the settings
    except ImproperlyConfigured as exc:
        # a misconfigured environment: the message alone (it names the variable), no traceback
        sys.stderr.write(f"fazhi 配置错误：{exc}\n")
        raise SystemExit(2) from None
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
