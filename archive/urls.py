from __future__ import annotations

from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("sources/<int:source_id>/archived/", views.archived_copy, name="archived_copy"),
    path("sources/<int:source_id>/archived/text/", views.archived_text, name="archived_text"),
]
