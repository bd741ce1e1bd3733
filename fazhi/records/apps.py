from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class RecordsConfig(registry.FazhiAppConfig):
    name = "fazhi.records"
    verbose_name = "执法要素"
    url_prefix = ""

    def ready(self) -> None:
        from fazhi.core.labels import register_labels
        from fazhi.records.timeline import SUBJECT_LABELS

        register_labels("record_type", {**SUBJECT_LABELS, "unit": "单位", "officer": "民警",
                                        "venue": "场所", "followup": "回访"})  # fmt: skip
