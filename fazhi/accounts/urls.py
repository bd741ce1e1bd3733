from django.urls import path

from fazhi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("unmask/", views.unmask, name="unmask"),
]
