from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "fazhi.synth"
    verbose_name = "模拟数据"
