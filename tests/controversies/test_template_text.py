"""No template syntax reaches a reader: Django's {# #} comment ends on its own line, so a
comment spread over several lines is printed as text. Multi-line comments use
{% comment %}; every template is checked, and the pages themselves too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)


def _templates() -> list[Path]:
    found = []
    for directory in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" not in directory.parts:
            found.extend(directory.rglob("*.html"))
            found.extend(directory.rglob("*.xml"))
            found.extend(directory.rglob("*.txt"))
    return sorted(found)


def test_there_are_templates_to_check():
    assert len(_templates()) > 20


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_opens_a_comment_it_does_not_close_on_the_same_line(template):
    for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
        for opened in re.finditer(r"\{#", line):
            assert "#}" in line[opened.end() :], f"{template.name}:{number}: {line.strip()}"


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/controversies/",
        "/controversies/?company=amazon",
        "/controversies/amazon-rekognition/",
        "/organizations/amazon/",
        "/organizations/amazon/shareholder-record/",
        "/resolutions/",
        "/search/?q=facial+recognition+police",
        "/no-such-page/",
    ],
)
def test_no_page_shows_template_syntax(client, demo, path):
    page = client.get(path).content.decode()
    for syntax in ("{#", "#}", "{%", "%}"):
        assert syntax not in page, f"{syntax} on {path}"
    # A variable tag as written in a template; BibTeX's own {{Title}} braces are content.
    assert not re.search(r"\{\{ [\w.|:]+ \}\}", page), path
