"""The API's URLs. Included at the top level (no app namespace) because django-ninja
reverses its own "api:..." names for the docs page."""

from __future__ import annotations

from django.urls import path, re_path

from opendata.api.errors import api_not_found
from opendata.api.routes import api

urlpatterns = [
    path("", api.urls),
    # Anything else under /api/ answers in JSON too, never with the HTML 404 page.
    re_path(r"^", api_not_found),
]
