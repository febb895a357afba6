"""axe-core, vendored under tests/browser/vendor, run inside a Playwright page.

The site's Content-Security-Policy forbids inline and foreign scripts, so axe is not added
as a <script> element: its source is evaluated through the DevTools protocol
(``page.evaluate``), which the page's policy does not govern. The page itself keeps its
policy, so what axe audits is what a reader gets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_VERSION = "4.14.1"
AXE_SOURCE = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rules a public site is held to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@cache
def _source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG A/AA violations axe finds on the page as it stands now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    return page.evaluate(_RUN, WCAG_TAGS)


def describe(violations: list[dict[str, Any]], *, nodes: int = 5) -> str:
    """One paragraph per rule broken: its id, impact, what it asks, where, and the
    documentation address."""
    lines = []
    for violation in violations:
        lines.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:nodes]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    - {node['target']}: {summary[:300]}")
        if len(violation["nodes"]) > nodes:
            lines.append(f"    ... and {len(violation['nodes']) - nodes} more elements")
    return "\n".join(lines)
