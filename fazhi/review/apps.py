from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "fazhi.review"
    verbose_name = "研判复核"
