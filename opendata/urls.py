from __future__ import annotations

from django.urls import path, re_path

from opendata import feeds, index_exports, index_feeds, views

app_name = "opendata"

FMT = r"(?P<fmt>csv|json)"
INDEX = r"(?P<index>organizations|products|campaigns|coalitions|topics)"

urlpatterns = [
    path("feeds/events/", feeds.LatestEventsFeed(), name="feed_latest"),
    path("feeds/controversies/", feeds.FilteredControversiesFeed(), name="feed_filtered"),
    re_path(rf"^feeds/{INDEX}/$", index_feeds.IndexFeed(), name="feed_index"),
    path("feeds/controversies/<slug:slug>/", feeds.ControversyFeed(), name="feed_controversy"),
    path("feeds/companies/<slug:slug>/", feeds.CompanyFeed(), name="feed_company"),
    path(
        "feeds/organizations/<slug:slug>/",
        feeds.OrganizationFeed(),
        name="feed_organization",
    ),
    path("feeds/products/<slug:slug>/", feeds.ProductFeed(), name="feed_product"),
    path("feeds/campaigns/<slug:slug>/", feeds.CampaignFeed(), name="feed_campaign"),
    path("feeds/coalitions/<slug:slug>/", feeds.CoalitionFeed(), name="feed_coalition"),
    path("feeds/resolutions/", feeds.ResolutionsFeed(), name="feed_resolutions"),
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
    re_path(rf"^exports/{INDEX}\.{FMT}$", index_exports.index_export, name="export_index"),
    re_path(
        rf"^exports/resolutions/(?P<slug>[-\w]+)\.{FMT}$",
        views.resolution_export,
        name="export_resolution",
    ),
    re_path(
        rf"^exports/campaigns/(?P<slug>[-\w]+)/controversies\.{FMT}$",
        views.campaign_controversies_export,
        name="export_campaign_controversies",
    ),
]
