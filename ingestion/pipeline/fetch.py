"""Step 2, fetch: download a queued article's page through the safe client."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ingestion.fetching import FetchError, FetchResult, fetch_page
from ingestion.models import Article
from ingestion.pipeline.errors import RetryLater, StepFailed, describe_fetch_error


@dataclass(frozen=True)
class Page:
    """A fetched page and when it was fetched."""

    result: FetchResult
    fetched_at: dt.datetime

    def learnt(self) -> dict:
        """The article fields the fetch sets, whatever the later steps find."""
        return {
            "fetched_at": self.fetched_at,
            "final_url": self.result.final_url[:2000],
            "content_type": self.result.content_type[:100],
        }


def fetch(article: Article, *, final_attempt: bool = True) -> Page:
    """The fetch step: the article's page. Raises RetryLater for a transient failure
    while retries remain, StepFailed with the reason otherwise. Writes nothing: the
    bytes are not stored, so a replay fetches again."""
    try:
        result = fetch_page(article.url)
    except FetchError as exc:
        if exc.transient and not final_attempt:
            raise RetryLater(exc) from exc
        raise StepFailed(describe_fetch_error(exc, retried=exc.transient)) from exc
    return Page(result=result, fetched_at=timezone.now())
