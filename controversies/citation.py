"""Cite this page: one page's reference as plain text, BibTeX and CSL-JSON.

The permalink is the page's canonical address made absolute for the request's host; the
access date is the day the reader opened the page; "issued" is when the page's record
last changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from controversies.models import Controversy, Organization, ShareholderResolution

CSL_MEDIA_TYPE = "application/vnd.citationstyles.csl+json"

# Characters BibTeX and LaTeX treat as markup, and how each is written as text.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _BIBTEX_ESCAPES))
# BibTeX's month macros, written without braces.
_BIBTEX_MONTHS = (
    *("jan", "feb", "mar", "apr", "may", "jun"),
    *("jul", "aug", "sep", "oct", "nov", "dec"),
)


def bibtex_escape(text: str) -> str:
    """Text with every BibTeX special character written as a literal (one pass, so an
    escape is never escaped again)."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], " ".join(text.split()))


def _human_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _date_parts(day: dt.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


@dataclass(frozen=True)
class Citation:
    title: str
    url: str
    accessed: dt.date
    updated: dt.date | None
    publisher: str
    key: str
    # Where the CSL-JSON file of this citation is downloaded.
    csl_download_url: str = ""

    def plain(self) -> str:
        updated = f" Last updated {_human_date(self.updated)}." if self.updated else ""
        return (
            f"“{self.title.rstrip('.')}.” {self.publisher}.{updated} {self.url} "
            f"(accessed {_human_date(self.accessed)})."
        )

    def bibtex(self) -> str:
        issued = self.updated or self.accessed
        # A URL is a verbatim field; a brace in one would end the field early.
        url = self.url.replace("{", "%7B").replace("}", "%7D")
        fields = [
            # Double braces keep the title's capitals as written.
            ("title", f"{{{bibtex_escape(self.title)}}}"),
            # A corporate author, braced so it is not split into first and last names.
            ("author", f"{{{bibtex_escape(self.publisher)}}}"),
            ("year", str(issued.year)),
            ("month", _BIBTEX_MONTHS[issued.month - 1]),
            ("url", url),
            ("urldate", self.accessed.isoformat()),
            ("note", f"Accessed {_human_date(self.accessed)}"),
        ]
        body = ",\n".join(
            f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
            for name, value in fields
        )
        return f"@misc{{{self.key},\n{body}\n}}"

    def csl(self) -> list[dict[str, object]]:
        """A CSL-JSON document: a list of items, here one."""
        item: dict[str, object] = {
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "container-title": self.publisher,
            "publisher": self.publisher,
            "URL": self.url,
            "accessed": _date_parts(self.accessed),
        }
        if self.updated:
            item["issued"] = _date_parts(self.updated)
        return [item]

    def csl_json(self) -> str:
        """The CSL-JSON document with one field per line, short enough to read."""
        (item,) = self.csl()
        lines = [
            f"    {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}"
            for name, value in item.items()
        ]
        return "[\n  {\n" + ",\n".join(lines) + "\n  }\n]\n"


def cite(
    request: HttpRequest,
    *,
    title: str,
    path: str,
    updated: dt.datetime | dt.date | None,
    key: str,
    csl_download_url: str = "",
) -> Citation:
    """The citation of the page at ``path`` (its canonical address, e.g.
    ``get_absolute_url()``), whatever query string the request carries."""
    if isinstance(updated, dt.datetime):
        updated = timezone.localdate(updated)
    return Citation(
        title=title,
        url=request.build_absolute_uri(path),
        accessed=timezone.localdate(),
        updated=updated,
        publisher=getattr(settings, "SITE_NAME", "") or "AI Accountability Tracker",
        key=re.sub(r"[^A-Za-z0-9_:-]+", "-", key).strip("-") or "tracker",
        csl_download_url=csl_download_url,
    )


# --- the pages that offer a citation ------------------------------------------------------

Citable = Controversy | Organization | ShareholderResolution
KINDS: dict[str, type[Citable]] = {
    "controversy": Controversy,
    "organization": Organization,
    "resolution": ShareholderResolution,
}


def _kind(obj: Citable) -> str:
    return next(kind for kind, model in KINDS.items() if isinstance(obj, model))


def _title(obj: Citable) -> str:
    if isinstance(obj, ShareholderResolution):
        meeting = obj.meeting
        return f"{obj.title} ({meeting.company.name}, {meeting.held_on.year})"
    if isinstance(obj, Organization):
        return obj.name
    return obj.title


def page_citation(
    request: HttpRequest, obj: Citable, *, updated: dt.datetime | dt.date | None = None
) -> Citation:
    """The citation of ``obj``'s page; ``updated`` defaults to the row's own
    ``updated_at`` (a controversy page passes the latest change among its events too)."""
    kind = _kind(obj)
    return cite(
        request,
        title=_title(obj),
        path=obj.get_absolute_url(),
        updated=updated or obj.updated_at,
        key=f"tracker-{kind}-{obj.slug}",
        csl_download_url=reverse("controversies:cite_csl", args=[kind, obj.slug]),
    )


def citable_get(kind: str, slug: str) -> tuple[Citable, dt.datetime]:
    """The record behind a citation and when it last changed, or a 404. A controversy
    changes when one of its events does, as its page says."""
    model = KINDS.get(kind)
    if model is None:
        raise Http404(f"Nothing to cite of the kind “{kind[:40]}”.")
    queryset = model.objects.all()
    if model is ShareholderResolution:
        queryset = queryset.select_related("meeting__company")
    obj = get_object_or_404(queryset, slug=slug)
    updated = obj.updated_at
    if isinstance(obj, Controversy):
        latest = obj.events.aggregate(latest=Max("updated_at"))["latest"]
        updated = max(updated, latest or updated)
    return obj, updated


def csl_response(citation: Citation, filename: str) -> HttpResponse:
    response = HttpResponse(citation.csl_json(), content_type=f"{CSL_MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csl.json"'
    return response
