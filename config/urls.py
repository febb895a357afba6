from __future__ import annotations

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class ReadOnlyRedirect(RedirectView):
    permanent = True
    http_method_names = ["get", "head", "options"]


class FaviconRedirect(ReadOnlyRedirect):
    # Resolved per request: the static file's hashed name is known only once collected.

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("config.health")),
    path("", include("controversies.urls")),
    path("", include("opendata.urls")),
    path("", include("archive.urls")),
    path("alerts/", include("alerts.urls")),
    # People type the docs' address with a trailing slash, and browsers ask for
    # /favicon.ico whatever the page's icon link says: both go where the thing lives.
    path("api/docs/", ReadOnlyRedirect.as_view(pattern_name="api:openapi-view")),
    path("favicon.ico", FaviconRedirect.as_view()),
    path("api/", include("opendata.api.urls")),
]
