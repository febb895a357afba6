from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def results_heading(page: Page):
    return page.locator("#results-heading")


def mark_document(page: Page) -> None:
    """A property that only survives as long as the document does: a full page load
    would wipe it."""
    page.evaluate("window.__sameDocument = true")


def same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_filtering_by_the_aclu_updates_the_list_in_place_and_back_restores_it(
    page: Page, live_server, world, screenshot
):
    page.goto(f"{live_server.url}/controversies/")
    expect(results_heading(page)).to_contain_text("3 controversies")
    expect(page.get_by_role("link", name="Chatbot spreads election falsehoods")).to_be_visible()
    screenshot("controversy-list")
    mark_document(page)

    # Organisations are a text box with suggestions: type a slug (or a name) and press
    # Enter, as a user picking "aclu" from the suggestions would.
    organisation = page.get_by_label("Organisation", exact=True)
    organisation.fill("aclu")
    organisation.press("Enter")

    expect(results_heading(page)).to_contain_text("2 controversies")
    expect(page).to_have_url(re.compile(r"/controversies/\?organisation=aclu$"))
    expect(page.get_by_role("link", name="Chatbot spreads election falsehoods")).to_have_count(0)
    expect(page.get_by_role("link", name="Amazon Rekognition sold to police")).to_be_visible()
    assert same_document(page), "the filter reloaded the whole page"
    screenshot("controversy-list-aclu")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/controversies/$"))
    expect(results_heading(page)).to_contain_text("3 controversies")
    expect(page.get_by_role("link", name="Chatbot spreads election falsehoods")).to_be_visible()
    expect(page.get_by_label("Organisation", exact=True)).to_have_value("")

    page.go_forward()
    expect(results_heading(page)).to_contain_text("2 controversies")


def test_facet_links_and_chips_update_in_place(page: Page, live_server, world):
    page.goto(f"{live_server.url}/controversies/")
    mark_document(page)
    facets = page.locator(".facets")
    facets.get_by_role("link", name=re.compile(r"^Microsoft")).click()
    expect(results_heading(page)).to_contain_text("2 controversies")
    expect(page).to_have_url(re.compile(r"company=microsoft"))
    facets.get_by_role("link", name=re.compile(r"^Misinformation")).click()
    expect(results_heading(page)).to_contain_text("1 controversy")
    expect(page).to_have_url(re.compile(r"company=microsoft&topic=misinformation"))

    page.get_by_role("link", name=re.compile(r"Remove filter company")).click()
    expect(page).to_have_url(re.compile(r"\?topic=misinformation$"))
    expect(page.get_by_label("Company", exact=True)).to_have_value("")
    assert same_document(page)


def test_the_filters_work_with_the_keyboard_alone(page: Page, live_server, world, screenshot):
    page.goto(f"{live_server.url}/controversies/")
    mark_document(page)

    def tab_to(element_id: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("id_organisation")
    page.keyboard.type("American Civil Liberties Union")  # a name works as well as a slug
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"organisation=aclu"))
    expect(results_heading(page)).to_contain_text("2 controversies")
    # The swap keeps focus on the control the user was on.
    assert page.evaluate("document.activeElement.id") == "id_organisation"

    tab_to("id_year_from")
    page.keyboard.type("2019")
    tab_to("id_year_to")
    page.keyboard.type("2019")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"organisation=aclu&year_from=2019&year_to=2019"))
    expect(results_heading(page)).to_contain_text("1 controversy")

    # On to the facets: Enter on a link filters, and focus lands on the new results.
    tab_to_link = page.locator(".facets a").first
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.facets') !== null"):
            break
    else:
        raise AssertionError("Tab never reached the facets")
    assert tab_to_link.count() > 0
    page.keyboard.press("Enter")
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    page.wait_for_function("document.activeElement && document.activeElement !== document.body")
    assert same_document(page)
    screenshot("controversy-list-keyboard")


def test_the_list_works_without_javascript(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/controversies/")
    page.get_by_label("Company", exact=True).fill("Amazon")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"company=Amazon"))
    expect(results_heading(page)).to_contain_text("1 controversy")
    context.close()


def test_pages_run_under_a_strict_content_security_policy(page: Page, live_server, world):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route(f"{live_server.url}/**", with_csp)
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/controversies/")
    page.get_by_label("Status", exact=True).select_option("ongoing")
    expect(results_heading(page)).to_contain_text("1 controversy")
    page.goto(f"{live_server.url}/controversies/amazon-rekognition/")
    page.get_by_label("Kind of event").select_option("policy_change")
    expect(page.locator("li.event")).to_have_count(2)
    # The browser may still be fetching the page's icon through the route: let it go
    # quietly, or the closing page fails that fetch in the next test's setup.
    page.unroute_all(behavior="ignoreErrors")
    assert violations == []
