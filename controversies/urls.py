from __future__ import annotations

from django.urls import path

from controversies import views

app_name = "controversies"

urlpatterns = [
    path("controversies/<slug:slug>/", views.controversy_detail, name="controversy"),
]
