from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class EvaluationConfig(registry.FazhiAppConfig):
    name = "fazhi.evaluation"
    verbose_name = "执法质量考评"
    url_prefix = "evaluation/"

    def ready(self) -> None:
        from fazhi.evaluation import pages, panels, services, tasks

        self.nav = (registry.NavEntry("evaluation", "考评", "/evaluation/", 55),)
        self.workbench_panel = panels.workbench_panel
        self.tick_steps = (
            registry.TickStep("evaluation", 45, services.tick_analysis, "案件剖析提醒"),
        )
        self.page_extensions = {"case": pages.case_page, "officer": pages.officer_page}
        self.fanout_parts = {tasks.KIND: tasks.compute_part}
