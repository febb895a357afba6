from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests.rekognition import build_case

pytestmark = pytest.mark.django_db


def _url(slug: str) -> str:
    return reverse("controversies:product", args=[slug])


def test_it_shows_the_product_its_developer_and_controversies(client):
    case = build_case()
    response = client.get(_url("rekognition"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Rekognition</h1>" in html
    assert f'Developed by <a href="{case.amazon.get_absolute_url()}">Amazon</a>' in html
    assert case.controversy.get_absolute_url() in html
    assert "Amazon pauses police use of Rekognition for a year" in html  # latest events


def test_it_links_the_resolutions_about_it(client):
    case = build_case()
    html = client.get(_url("rekognition")).content.decode()
    assert case.ban.get_absolute_url() in html and case.study.get_absolute_url() in html


def test_it_says_when_no_controversy_is_recorded(client):
    product = f.ProductFactory(aliases="Alias One\nAlias Two")
    html = client.get(_url(product.slug)).content.decode()
    assert "No controversies about" in html
    assert "Also known as: Alias One, Alias Two" in html


def test_it_returns_404_for_an_unknown_product(client):
    assert client.get(_url("nope")).status_code == 404


def test_it_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    product = f.ProductFactory()
    for _ in range(40):
        controversy = f.ControversyFactory()
        controversy.products.add(product)
        f.EventFactory(controversy=controversy)
        f.ShareholderResolutionFactory(controversy=controversy)
    with django_assert_max_num_queries(6):
        response = client.get(_url(product.slug))
    assert response.status_code == 200
    assert "Showing the 20 most recent." in response.content.decode()
