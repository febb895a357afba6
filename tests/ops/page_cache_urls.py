"""The project's URLs plus probe pages that show per-visitor content, for the page-cache
tests (no public page has any yet, but one may grow a form or a "signed in as" line)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

_PAGE = engines["django"].from_string(
    "<p>Signed in as {{ user.get_username|default:'nobody' }}</p>"
    '<form method="post">{% csrf_token %}<input name="url"></form>'
)
_MESSAGES = engines["django"].from_string(
    "{% for message in messages %}<p>{{ message }}</p>{% endfor %}"
)


def form_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PAGE.render({}, request))


def plain_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>the same for everyone</p>")


def message_page(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Thanks for your submission")
    return HttpResponse(_MESSAGES.render({}, request))


probe_patterns = (
    [
        path("form/", form_page, name="form"),
        path("plain/", plain_page, name="plain"),
        path("message/", message_page, name="message"),
    ],
    "probe",
)

urlpatterns = [path("probe/", include(probe_patterns)), *project_urlpatterns]
