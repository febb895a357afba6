from __future__ import annotations

from django.urls import path

from bench import views
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/floor/<slug:slug>/", views.floor, name="bench_floor"),
    *project_urlpatterns,
]
