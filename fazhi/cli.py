"""The ``fazhi`` console command: Django's management commands under friendlier names.

``fazhi import`` and ``fazhi export`` map to the ``fzx_import``/``fzx_export`` commands (a module
cannot be named ``import``); everything else (``fazhi migrate``, ``fazhi patrol`` …) passes through.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "fzx_import", "export": "fzx_export"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "fazhi"
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
