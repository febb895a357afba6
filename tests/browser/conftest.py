"""Shared fixtures for the browser tests: Debian's Chromium driven by Playwright against
Django's live server, seeded through the factories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.scenarios import World, rekognition_world

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# to seed data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last. The live server needs committed rows, so these tests
    flush the database afterwards, which also removes rows that data migrations made
    (the curator groups). pytest-django puts such tests last, but the session-wide
    browser parameter of pytest-playwright can move them earlier."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser and not Path(CHROMIUM).exists() and os.environ.get("REQUIRE_SERVICES") != "1":
        # A first run on a laptop without Chromium skips these with the reason shown. CI
        # installs Chromium and sets REQUIRE_SERVICES=1, where a missing browser fails.
        skip = pytest.mark.skip(
            reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
        )
        for item in browser:
            item.add_marker(skip)
    if browser:
        items[:] = [item for item in items if not item.get_closest_marker("browser")] + browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def world(transactional_db: None) -> World:
    return rekognition_world()


@pytest.fixture
def screenshot(page: object) -> Callable[[str], Path]:
    """Save a full-page screenshot of the current page as test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# The two screen sizes the public pages are checked at: a laptop and a common phone.
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def open_page(browser: object) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context at a named size ("desktop" or "phone"),
    colour scheme and with JavaScript on or off; contexts close when the test ends."""
    contexts = []

    def new(size: str, *, scheme: str = "light", javascript: bool = True) -> object:
        context = browser.new_context(
            viewport=VIEWPORTS[size],
            color_scheme=scheme,
            java_script_enabled=javascript,
            is_mobile=size == "phone",
            has_touch=size == "phone",
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()
