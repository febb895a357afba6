"""Links to the public pages, some of which other parts of the project are still building."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def page_url(name: str, *args: object) -> str:
    """The page's path, or the home path while that page does not exist yet.

    Feeds must still validate (every feed needs a link) in a deployment where a page
    such as the organisation page is not installed.
    """
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return "/"
