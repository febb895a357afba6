"""How a step says it failed: for good (StepFailed, recorded as the reason) or for now
(RetryLater, retried by the Celery task with back-off)."""

from __future__ import annotations

from ingestion.fetching import FetchError


class StepFailed(Exception):
    """The article cannot go on; the message is the reason curators see."""


class RetryLater(Exception):
    """A transient fetch failure the Celery task should retry with back-off.

    Steps raise it only while retries remain (``final_attempt=False``); on the final
    attempt they report the failure instead, so a persistent 500 ends as a failed row.
    """

    def __init__(self, error: FetchError):
        super().__init__(error.reason)
        self.error = error


def describe_fetch_error(error: FetchError, *, retried: bool) -> str:
    reason = error.reason or str(error)
    if error.transient and retried:
        return f"{reason} (still failing after retries)"
    return reason
