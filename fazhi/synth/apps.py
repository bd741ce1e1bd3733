from __future__ import annotations

# The module, not its classes: Django takes the one AppConfig subclass it finds in apps.py.
from fazhi.core import registry


class SynthConfig(registry.FazhiAppConfig):
    name = "fazhi.synth"
    verbose_name = "模拟数据"
