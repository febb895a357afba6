"""A source holds only http(s) URLs: anything else is a field error in admin (never a 500)
and fails the model's validation, which the dataset import shares."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from controversies.models import Source
from tests.controversies.admin_forms import field_errors

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:controversies_source_add")


def _add(client, **fields):
    return client.post(ADD_URL, {"url": "", "canonical_url": "", **fields})


@pytest.mark.parametrize("scheme", ["ftp", "ftps"])
def test_it_refuses_a_non_web_url_left_without_a_canonical_url(admin_client, scheme):
    """GIVEN a curator adding a source with an ftp:// URL and no canonical URL
    THEN the form comes back with an error on the URL, and nothing is saved."""
    response = _add(admin_client, url=f"{scheme}://example.com/report.pdf")
    assert response.status_code == 200
    assert "Not an http(s) URL" in " ".join(field_errors(response)["url"])
    assert not Source.objects.exists()


@pytest.mark.parametrize("field", ["canonical_url", "archive_url"])
def test_it_refuses_a_non_web_url_in_the_other_url_fields(admin_client, field):
    response = _add(admin_client, url="https://example.com/a", **{field: "ftp://example.com/a"})
    assert response.status_code == 200
    assert field in field_errors(response)
    assert not Source.objects.exists()


def test_it_still_derives_the_canonical_url_from_a_web_url(admin_client):
    response = _add(admin_client, url="https://Example.com/a?utm_source=x#top", title="A")
    assert response.status_code == 302
    assert Source.objects.get().canonical_url == "https://example.com/a"


def test_it_fails_model_validation_for_an_ftp_url():
    source = Source(url="ftp://example.com/a", canonical_url="ftp://example.com/a")
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert set(caught.value.message_dict) >= {"url", "canonical_url"}
