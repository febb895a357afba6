from __future__ import annotations

from django.urls import path

from controversies.views import controversy_detail, controversy_list, home

app_name = "controversies"

urlpatterns = [
    path("", home.home, name="home"),
    path("controversies/", controversy_list.controversy_list, name="controversy_list"),
    path("controversies/<slug:slug>/", controversy_detail.controversy_detail, name="controversy"),
]
