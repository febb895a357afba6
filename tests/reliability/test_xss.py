"""Scripts planted in every curated and ingested text come out escaped everywhere: public
pages (full and HTMX fragments), search, feeds, exports, the API and admin."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import NoReverseMatch, reverse

from ingestion import pipeline
from ingestion.models import Article
from ingestion.review import review_accept_new_event
from tests import factories as f
from tests.ingestion.documents import page
from tests.reliability.batch import article_text
from tests.reliability.payloads import (
    ATTRIBUTE,
    JAVASCRIPT_URL,
    PAYLOAD,
    SCRIPT,
    hostile_case,
    unescaped,
)
from tests.reliability.site import public_urls

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(300)]

# Answers no browser renders as a page when sent with nosniff: data, citations, and the
# plain-text refusals of feeds and downloads (which name the value they refuse).
DATA_TYPES = (
    "application/json",
    "text/csv",
    "application/vnd.citationstyles.csl+json",
    "text/plain",
)
# Parameters pages may echo back (search box, filters, pagination).
ECHOED = {"q": PAYLOAD, "company": PAYLOAD, "status": PAYLOAD, "topic": PAYLOAD, "page": SCRIPT}
JAVASCRIPT_HREF = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


@pytest.fixture
def planted(settings, news_site):
    """The hostile case, plus an article ingested for real from a page whose title and
    text carry the payloads, accepted by a curator as a cited event."""
    settings.API_RATE_LIMIT = ""
    settings.INGESTION_ALLOWED_HOSTS = [news_site.host_port]
    case = hostile_case()
    news_site.reply(
        "/news/hostile",
        page(
            title=f"Ingested {PAYLOAD}",
            paragraphs=[f"Reported {SCRIPT} and {ATTRIBUTE}.", *article_text(99)],
            og={"og:site_name": f"Site {SCRIPT}"},
        ),
    )
    article, _ = pipeline.article_submit(url=news_site.url("/news/hostile"))
    pipeline.article_advance(article=article)
    article.refresh_from_db()
    assert article.state == Article.State.IN_REVIEW, article.failure_reason
    assert "<script>" in article.text or "alert" in article.text  # the payload survived as text
    review_accept_new_event(
        article=article,
        controversy=case.controversy,
        occurred_on=article.best_date or case.controversy.started_on,
        title=f"Accepted {PAYLOAD}",
        summary=PAYLOAD,
        user=f.CuratorFactory(),
    )
    return case


def _check(url: str, response, problems: list) -> None:
    if response.status_code >= 500:
        problems.append((url, f"answered {response.status_code}"))
        return
    content_type = response.headers.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith(DATA_TYPES) and url.startswith(("/healthz", "/readyz")):
        return  # the probes echo nothing from the request or the database
    if content_type.startswith(DATA_TYPES):
        # Data formats carry the text as it is; what keeps it inert is that no browser
        # will render it as a page.
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            problems.append((url, f"{content_type} without nosniff"))
        return
    if found := unescaped(text):
        problems.append((url, f"unescaped {found}"))
    if JAVASCRIPT_HREF.search(text):
        problems.append((url, "a javascript: link"))


def test_it_escapes_planted_scripts_on_every_public_page_feed_export_and_api(planted):
    """GIVEN a controversy, companies, a group, a product, a coalition, a campaign, a
    resolution, sources and an ingested article whose every text carries a script, an
    attribute break-out and javascript: links
    WHEN every public URL is requested, as a full page and as an HTMX fragment, plain
    and with the payload echoed in its query parameters
    THEN no answer contains the payload as markup or a javascript: link, and data
    formats (JSON, CSV) are sent with nosniff."""
    client = Client()
    urls = public_urls()
    for slug in planted.slugs.values():
        assert any(slug in url for url in urls), slug
    problems: list = []
    for url in urls:
        for query in ("", "?" + urlencode(ECHOED)):
            _check(url + query, client.get(url + query), problems)
            _check(
                url + query + " (htmx)",
                client.get(url + query, headers={"HX-Request": "true"}),
                problems,
            )
    assert not problems, "\n".join(map(str, problems))


def test_it_escapes_a_script_typed_into_search(planted):
    client = Client()
    for query in (SCRIPT, ATTRIBUTE, PAYLOAD, "</title><script>alert(1)</script>"):
        response = client.get(reverse("controversies:search"), {"q": query})
        assert response.status_code == 200
        assert unescaped(response.content.decode()) == []
        assert "<script>alert(1)</script>" not in response.content.decode()


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_changelist") + "?" + urlencode({"q": PAYLOAD}))
        for pk in model.objects.values_list("pk", flat=True)[:5]:
            for action in ("change", "history", "delete"):
                with contextlib.suppress(NoReverseMatch):
                    urls.append(reverse(f"{prefix}_{action}", args=[pk]))
    return urls


def test_it_escapes_planted_scripts_in_admin(planted, admin_client):
    """Curators see the same texts in admin (lists, searches, change forms, history,
    delete confirmations, the review queue): escaped there too."""
    problems: list = []
    urls = _admin_urls()
    assert any("/ingestion/" in url for url in urls)
    for url in urls:
        _check(url, admin_client.get(url), problems)
    assert not problems, "\n".join(map(str, problems))


def test_it_refuses_a_javascript_url_in_every_admin_url_field(rf, admin_user):
    """Pages link to stored URLs, so a javascript: URL would run on click however well
    the page is escaped: every URL field curators can type into refuses one."""
    request = rf.get("/")
    request.user = admin_user
    checked = []
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        for name, field in form.base_fields.items():
            if isinstance(field, forms.URLField):
                with pytest.raises(ValidationError):
                    field.clean(JAVASCRIPT_URL)
                checked.append(f"{model.__name__}.{name}")
    assert len(checked) >= 4, checked
