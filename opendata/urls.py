from __future__ import annotations

from django.urls import path, re_path

from opendata import feeds, views

app_name = "opendata"

FMT = r"(?P<fmt>csv|json)"

urlpatterns = [
    path("feeds/events/", feeds.LatestEventsFeed(), name="feed_latest"),
    path("feeds/controversies/", feeds.FilteredControversiesFeed(), name="feed_filtered"),
    path("feeds/controversies/<slug:slug>/", feeds.ControversyFeed(), name="feed_controversy"),
    path("feeds/companies/<slug:slug>/", feeds.CompanyFeed(), name="feed_company"),
    path(
        "feeds/organizations/<slug:slug>/",
        feeds.OrganizationFeed(),
        name="feed_organization",
    ),
    re_path(
        rf"^exports/controversies\.{FMT}$",
        views.controversies_export,
        name="export_controversies",
    ),
    re_path(
        rf"^exports/controversies/(?P<slug>[-\w]+)/timeline\.{FMT}$",
        views.timeline_export,
        name="export_timeline",
    ),
    re_path(rf"^exports/resolutions\.{FMT}$", views.resolutions_export, name="export_resolutions"),
]
