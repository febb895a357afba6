from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("config.health")),
    path("", include("controversies.urls")),
    path("", include("opendata.urls")),
    path("api/", include("opendata.api.urls")),
]
