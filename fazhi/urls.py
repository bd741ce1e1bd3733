from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("fazhi.accounts.urls")),
    path("problems/", include("fazhi.rectification.urls")),
    path("notifications/", include("fazhi.notifications.urls")),
    path("daily/", include("fazhi.dailycheck.urls")),
    path("disputes/", include("fazhi.disputes.urls")),
    path("intel/", include("fazhi.review.urls")),
    path("api/", include("fazhi.api.urls")),
    path("", include("fazhi.workbench.urls")),
    path("", include("fazhi.core.urls")),
]
