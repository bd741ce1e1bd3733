from django.urls import URLPattern

app_name = "synth"
urlpatterns: list[URLPattern] = []
