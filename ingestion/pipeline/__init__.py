"""The ingestion pipeline as plain functions; Celery tasks only load rows and call these.

The steps, in order; each takes the article and returns what it found, writing nothing,
except where said:
1. poll (poll.py): a due feed is fetched and parsed; it writes the feed's row and
   creates one queued article per new entry.
2. fetch (fetch.py): the article's page, through the safe client (``ingestion.fetching``).
3. extract (extract.py): main text and metadata.
4. dedupe (dedupe.py): the text's fingerprint, then, under the writer's lock, the
   canonical URL and the original the page copies, if any.
5. match (matching.py): the organisations and products named, and the relevance
   (relevance.py).
6. suggest (suggest.py): the controversies the article probably belongs to, and why.
7. write (write.py): the one writer: under the row lock it stores what the steps found
   and moves the article to in review, duplicate or failed. Its hand-written SQL, and
   the dedupe step's, is in sql.py, beside the bench target it serves.

The runner (runner.py) calls the steps in order and then the writer; the Celery task
``ingestion.tasks.advance_article`` calls the runner, and so do the tests. Each write
checks the state under the row lock, so replaying a task (a redelivery, the sweeper)
changes nothing. What a step needs from curated data comes from
``controversies.ingestion_selectors``; ``curated.py`` keeps per-process copies of it.
"""

from __future__ import annotations

from ingestion.pipeline.errors import RetryLater
from ingestion.pipeline.poll import (
    article_queue,
    article_submit,
    feed_poll,
    feeds_claim_due,
    parse_feed,
)
from ingestion.pipeline.runner import article_advance, article_rematch
from ingestion.pipeline.write import claim_stuck as articles_claim_stuck
from ingestion.pipeline.write import fail as article_fail
from ingestion.pipeline.write import retry as article_retry

__all__ = [
    "RetryLater",
    "article_advance",
    "article_fail",
    "article_queue",
    "article_rematch",
    "article_retry",
    "article_submit",
    "articles_claim_stuck",
    "feed_poll",
    "feeds_claim_due",
    "parse_feed",
]
