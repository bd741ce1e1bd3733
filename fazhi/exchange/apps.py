from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "fazhi.exchange"
    verbose_name = "数据交换"
