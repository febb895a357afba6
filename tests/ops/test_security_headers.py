"""Headers every page carries, whatever the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_it_sends_a_content_security_policy_without_inline_code(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_its_templates_need_no_inline_script_or_style():
    # The policy above would block them; a template that needs one must change instead.
    offenders = []
    for template in (REPO / "templates").rglob("*.html"):
        # Template comments may mention the tags they avoid.
        text = re.sub(r"\{#.*?#\}", "", template.read_text(), flags=re.S)
        text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
        # A JSON data block is data, not code: the policy does not apply to it.
        text = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", text, flags=re.S)
        if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text) or re.search(
            r"\sstyle=|<style|\son[a-z]+=", text
        ):
            offenders.append(str(template.relative_to(REPO)))
    assert offenders == []
