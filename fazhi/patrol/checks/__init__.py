"""The checks of the rule packs; importing this package registers them all."""

from fazhi.patrol.checks import analysis, conditions, deadlines, quality  # noqa: F401
