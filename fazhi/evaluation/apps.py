from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class EvaluationConfig(registry.FazhiAppConfig):
    name = "fazhi.evaluation"
    verbose_name = "执法质量考评"
