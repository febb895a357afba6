"""axe-core finds no WCAG 2 A/AA violation on any public page, at desktop and phone
sizes, in the light and the dark colour scheme. Each page is also saved as a screenshot at
both sizes (test-artifacts/screenshots/a11y-PAGE-SIZE-light.png)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

# (screenshot name, address, the status the page answers with) on rekognition_world.
PAGES = {
    "reading": [
        ("home", "/", 200),
        ("controversy", "/controversies/amazon-rekognition/", 200),
        ("resolution", "/resolutions/amazon-2019-rekognition-ban/", 200),
        ("not-found", "/controversies/no-such-case/", 404),
        ("api-docs", "/api/docs/", 200),
    ],
    "lists": [
        ("controversy-list", "/controversies/", 200),
        (
            "controversy-list-filtered",
            "/controversies/?company=microsoft&topic=facial-recognition",
            200,
        ),
        ("controversy-list-empty", "/controversies/?company=amazon&topic=misinformation", 200),
        ("resolution-list", "/resolutions/", 200),
        ("resolution-list-filtered", "/resolutions/?year=2019", 200),
        ("search-results", "/search/?q=Rekognition", 200),
        ("search-empty", "/search/?q=zeppelin", 200),
    ],
    "entities": [
        ("company", "/organizations/amazon/", 200),
        ("advocacy-group", "/organizations/aclu/", 200),
        ("investor", "/organizations/open-mic/", 200),
        ("shareholder-record", "/organizations/amazon/shareholder-record/", 200),
        ("product", "/products/rekognition/", 200),
        ("campaign", "/campaigns/rekognition-shareholders/", 200),
        ("coalition", "/coalitions/face-coalition/", 200),
    ],
    # The index pages and the methodology page of issue 19.
    "indexes": [
        ("organization-index", "/organizations/", 200),
        ("organization-index-advocacy", "/organizations/?kind=advocacy_group", 200),
        ("product-index", "/products/", 200),
        ("campaign-index", "/campaigns/", 200),
        ("coalition-index", "/coalitions/", 200),
        ("topic-index", "/topics/", 200),
        ("about", "/about/", 200),
    ],
}

# Elements that fetch part of the page once it has loaded.
LOADS_LATER = "[hx-trigger*='load'], [hx-trigger*='revealed'], [hx-trigger*='intersect']"

COMBINATIONS = [
    pytest.param(size, scheme, id=f"{size}-{scheme}")
    for size in ("desktop", "phone")
    for scheme in ("light", "dark")
]


def audit(
    page: Page, base_url: str, pages: list[tuple[str, str, int]], suffix: str, screenshots: bool
) -> list[str]:
    """Visit each page, check its status, run axe and take a screenshot; every problem
    found is returned, so one failing page does not hide the others."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, path, status in pages:
        response = page.goto(base_url + path)
        if response is None or response.status != status:
            got = response.status if response else "no response"
            problems.append(f"{path}: answered {got}, expected {status}")
            continue
        # Parts of a page that htmx loads (the shareholder record) are audited too.
        if page.locator(LOADS_LATER).count():
            page.wait_for_load_state("networkidle")
        if screenshots:
            page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{suffix}.png"), full_page=True)
        # What a reader can unfold (a chart's table of figures) is held to the same rules.
        page.locator("details:not([open]) > summary").evaluate_all(
            "summaries => summaries.forEach(s => s.parentElement.open = true)"
        )
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path}: {len(violations)} rule(s) broken\n{describe(violations)}")
    return problems


# The reference case as `make demo` loads it: longer timelines, tables and charts.
DEMO_PAGES = [
    ("demo-controversy", "/controversies/amazon-rekognition/", 200),
    ("demo-company", "/organizations/amazon/", 200),
    ("demo-advocacy-group", "/organizations/aclu/", 200),
    ("demo-resolution", "/resolutions/amazon-2019-item-6-rekognition-government-sales/", 200),
]


def check(page: Page, base_url: str, pages: list[tuple[str, str, int]], size: str, scheme: str):
    # Screenshots of both sizes in the light scheme; the dark ones would add time, not news.
    problems = audit(page, base_url, pages, f"{size}-{scheme}", screenshots=scheme == "light")
    assert not problems, f"axe-core {size} {scheme}:\n" + "\n".join(problems)
    # The pages were seen in the scheme asked for.
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")


@pytest.mark.parametrize("group", list(PAGES))
@pytest.mark.parametrize(("size", "scheme"), COMBINATIONS)
def test_public_pages_have_no_accessibility_violations(
    open_page, live_server, world, size, scheme, group
):
    check(open_page(size, scheme=scheme), live_server.url, PAGES[group], size, scheme)


# Both sizes and both schemes, in two runs rather than four: the rules are the same.
@pytest.mark.parametrize(
    ("size", "scheme"),
    [
        pytest.param("phone", "light", id="phone-light"),
        pytest.param("desktop", "dark", id="desktop-dark"),
    ],
)
def test_the_demo_case_has_no_accessibility_violations(
    open_page, live_server, transactional_db, size, scheme
):
    call_command("load_demo", stdout=StringIO())
    check(open_page(size, scheme=scheme), live_server.url, DEMO_PAGES, size, scheme)


def test_the_harness_reports_what_axe_finds(open_page):
    """A page with known faults: the checks above would pass vacuously if axe ran no rule."""
    page = open_page("phone")
    page.set_content('<html><body><main><img src="data:,"><a href="#"></a></main></body></html>')
    violations = axe_violations(page)
    assert {"html-has-lang", "image-alt", "link-name"} <= {v["id"] for v in violations}
    report = describe(violations)
    assert "image-alt (critical)" in report
    assert "dequeuniversity.com/rules/axe/4.14/image-alt" in report
    assert "- img:" in report
