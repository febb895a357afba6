from __future__ import annotations

from django.urls import path

from controversies.views import (
    controversy_detail,
    controversy_list,
    entities,
    home,
    resolutions,
    search,
)

app_name = "controversies"

urlpatterns = [
    path("", home.home, name="home"),
    path("controversies/", controversy_list.controversy_list, name="controversy_list"),
    path("controversies/<slug:slug>/", controversy_detail.controversy_detail, name="controversy"),
    path("organizations/<slug:slug>/", entities.organization_detail, name="organization"),
    path(
        "organizations/<slug:slug>/shareholder-record/",
        entities.organization_votes,
        name="organization_votes",
    ),
    path("products/<slug:slug>/", entities.product_detail, name="product"),
    path("coalitions/<slug:slug>/", entities.coalition_detail, name="coalition"),
    path("campaigns/<slug:slug>/", entities.campaign_detail, name="campaign"),
    path("resolutions/", resolutions.resolution_list, name="resolution_list"),
    path("resolutions/<slug:slug>/", resolutions.resolution_detail, name="resolution"),
    path("search/", search.search, name="search"),
]
