from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from controversies.views import (
    about,
    cite,
    controversy_detail,
    controversy_list,
    entities,
    home,
    indexes,
    resolutions,
    search,
)

app_name = "controversies"

urlpatterns = [
    path("", home.home, name="home"),
    path("controversies/", controversy_list.controversy_list, name="controversy_list"),
    path("controversies/<slug:slug>/", controversy_detail.controversy_detail, name="controversy"),
    path("organizations/", indexes.organization_index, name="organizations_index"),
    path(
        "organisations/",
        RedirectView.as_view(
            pattern_name="controversies:organizations_index",
            query_string=True,
            permanent=True,
            # Only reading is redirected: a write to a redirect is refused (405).
            http_method_names=["get", "head", "options"],
        ),
    ),
    path("products/", indexes.product_index, name="products_index"),
    path("campaigns/", indexes.campaign_index, name="campaigns_index"),
    path("coalitions/", indexes.coalition_index, name="coalitions_index"),
    path("topics/", indexes.topic_index, name="topics_index"),
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
    path("about/", about.about, name="about"),
    path("cite/<slug:kind>/<slug:slug>.json", cite.cite_csl, name="cite_csl"),
]
