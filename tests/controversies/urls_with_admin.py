"""The site's URLs plus an admin that knows Controversy, for the staff history link."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from simple_history.admin import SimpleHistoryAdmin

from controversies.models import Controversy

site = admin.AdminSite(name="admin")
site.register(Controversy, SimpleHistoryAdmin)

urlpatterns = [
    path("admin/", site.urls),
    path("", include("controversies.urls")),
]
