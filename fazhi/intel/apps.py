from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class IntelConfig(registry.FazhiAppConfig):
    name = "fazhi.intel"
    verbose_name = "文本研判"

    def ready(self) -> None:
        from fazhi.core.labels import register_labels
        from fazhi.intel.learned import load_model
        from fazhi.intel.lexicon import CUE_LABELS

        register_labels("cue", CUE_LABELS)
        # the learned model's weights are checked at start: a file that does not hold together
        # (edited by hand, cut short) stops the start with a message, not a rule run later
        load_model()
