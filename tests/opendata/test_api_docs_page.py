"""The API documentation page (Swagger UI, from django-ninja) in the site's own template:
a language for screen readers, a way back to the site, and readable colours."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_docs_page_declares_its_language_and_links_home(client):
    response = client.get("/api/docs/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert '<meta name="viewport"' in page
    assert 'href="/static/css/api_docs.css"' in page or "css/api_docs" in page
    assert '<a href="/">AI Accountability Tracker</a>' in page
    # Swagger UI still gets its settings and scripts, without deep links (which it would
    # nest inside each operation's button).
    assert 'id="swagger-settings"' in page
    assert '"deepLinking": false' in page
    assert "swagger-ui-init.js" in page
    assert "<style" not in page and " style=" not in page
