from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class EvaluationConfig(registry.FazhiAppConfig):
    name = "fazhi.evaluation"
    verbose_name = "执法质量考评"
    url_prefix = "evaluation/"

    def ready(self) -> None:
        from fazhi.evaluation import panels

        self.nav = (registry.NavEntry("evaluation", "考评", "/evaluation/", 55),)
        self.workbench_panel = panels.workbench_panel
