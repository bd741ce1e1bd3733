"""The site's URLs: the admin, then every app's ``urls.py`` at the prefix its ``AppConfig``
declares (``fazhi.core.registry``)."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from fazhi.core.registry import url_mounts

urlpatterns: list[URLPattern | URLResolver] = [path("admin/", admin.site.urls)]
urlpatterns += [path(prefix, include(module)) for prefix, module in url_mounts()]
