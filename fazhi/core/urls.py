from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

app_name = "core"
urlpatterns = [
    # The first page is 我的工作台 now (workbench, included before core); the name stays for the
    # code that reverses it.
    path("", RedirectView.as_view(pattern_name="workbench:home"), name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
