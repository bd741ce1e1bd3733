from django.urls import URLPattern

app_name = "patrol"
urlpatterns: list[URLPattern] = []
