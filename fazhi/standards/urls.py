from django.urls import URLPattern

app_name = "standards"
urlpatterns: list[URLPattern] = []
