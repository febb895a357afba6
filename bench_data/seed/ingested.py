"""Feeds and the articles the workers took from them, with mentions and suggestions.

Only when the ingestion models exist. The big table: texts are assembled from a pool of
sentences, and MinHash signatures are random (distinct documents) rather than computed,
which would take a second per thousand articles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.apps import apps

from bench_data.seed import words
from bench_data.seed.context import SeedContext

CHUNK = 20_000
HISTORY_DAYS = 730
NUM_PERM = 128
# Terminal states and the review queue only: intermediate states would be re-enqueued by
# the sweeper of a worker pointed at this database.
STATES = (
    ("in_review", 40), ("rejected", 25), ("accepted", 5), ("duplicate", 10), ("failed", 5),
    ("matched", 0),
)  # fmt: skip
STATE_NAMES = [state for state, _ in STATES]
STATE_WEIGHTS = [weight for _, weight in STATES]
FEED_COLUMNS = (
    "id", "url", "title", "active", "poll_interval", "etag", "last_modified", "next_poll_at",
    "last_polled_at", "last_status", "consecutive_failures", "last_error", "created_at",
    "updated_at",
)  # fmt: skip
ARTICLE_COLUMNS = (
    "id", "state", "failure_reason", "feed_id", "url", "link_canonical", "canonical_url",
    "final_url", "feed_title", "feed_summary", "feed_published_at", "fetched_at",
    "content_type", "title", "author", "published_on", "date_source", "site_name",
    "language", "text", "content_hash", "minhash", "duplicate_of_id", "duplicate_reason",
    "relevance", "relevance_terms", "accepted_event_id", "accepted_source_id",
    "reviewed_by_id", "reviewed_at", "created_at", "updated_at", "minhash_seq",
)  # fmt: skip


def ingestion_available() -> bool:
    try:
        apps.get_model("ingestion", "Article")
    except LookupError:
        return False
    return True


@dataclass(frozen=True)
class _Vocabulary:
    """What article texts are drawn from."""

    subjects: list[str]  # organisation names to lead a story with when none is named
    sentences: list[str]
    entities: list[tuple[int, str]]  # (organisation id, name)
    products: list[tuple[int, str]]  # (product id, name)


@dataclass
class _Chunk:
    """Rows of one chunk of articles, written together."""

    articles: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    suggestions: list[tuple] = field(default_factory=list)

    def write(self, ctx: SeedContext) -> None:
        ctx.writer.write(apps.get_model("ingestion", "Article"), ARTICLE_COLUMNS, self.articles)
        ctx.writer.write(
            apps.get_model("ingestion", "Mention"),
            ("article_id", "organization_id", "product_id", "alias", "count"),
            self.mentions,
        )
        ctx.writer.write(
            apps.get_model("ingestion", "Suggestion"),
            ("article_id", "controversy_id", "score", "reasons"),
            self.suggestions,
        )


def seed_ingested(ctx: SeedContext) -> None:
    if not ingestion_available() or not ctx.scale.articles:
        return
    _seed_feeds(ctx)
    subjects = list(ctx.org_names.values())[:500] or ["A company"]
    vocabulary = _Vocabulary(
        subjects=subjects,
        sentences=words.sentence_pool(ctx.rng, subjects, 5_000),
        entities=list(ctx.org_names.items()),
        products=list(ctx.product_names.items()),
    )
    total = ctx.scale.articles
    start = ctx.now - dt.timedelta(days=HISTORY_DAYS)
    for first in range(1, total + 1, CHUNK):
        ids = range(first, min(total, first + CHUNK - 1) + 1)
        ages = ctx.np_rng.uniform(0, HISTORY_DAYS * 86_400, len(ids))
        ages.sort()
        signatures = ctx.np_rng.integers(0, 2**32, size=(len(ids), NUM_PERM), dtype="uint64")
        signatures = signatures.astype("uint32")
        chunk = _Chunk()
        for offset, pk in enumerate(ids):
            created = start + dt.timedelta(seconds=float(ages[offset]))
            _article(ctx, chunk, vocabulary, pk, created, signatures[offset].tobytes())
        chunk.write(ctx)


def _seed_feeds(ctx: SeedContext) -> None:
    feeds = []
    for pk in range(1, ctx.scale.feeds + 1):
        stamp = ctx.now - dt.timedelta(minutes=ctx.rng.randint(0, 60))
        feeds.append(
            (pk, f"https://news-{pk}.example.com/feed.xml", f"News {pk}", True,
             dt.timedelta(minutes=30), "", "", stamp + dt.timedelta(minutes=30), stamp, "ok", 0,
             "", stamp, stamp)
        )  # fmt: skip
    ctx.writer.write(apps.get_model("ingestion", "Feed"), FEED_COLUMNS, feeds)


def _article(
    ctx: SeedContext,
    chunk: _Chunk,
    vocabulary: _Vocabulary,
    pk: int,
    created: dt.datetime,
    signature: bytes,
) -> None:
    """One article in a state the pipeline can leave it in, with its mentions and, in
    the review queue, its suggestions."""
    rng = ctx.rng
    state = rng.choices(STATE_NAMES, STATE_WEIGHTS)[0]
    named = rng.sample(vocabulary.entities, min(len(vocabulary.entities), rng.randint(0, 3)))
    products = vocabulary.products
    product = rng.choice(products) if products and rng.random() < 0.3 else None
    lead = named[0][1] if named else rng.choice(vocabulary.subjects)
    title = f"{lead} faces questions over {words.COMMON_TERM} {rng.choice(words.NOUNS)}"
    text = " ".join(
        [f"{' and '.join(n for _, n in named) or lead} under scrutiny."]
        + rng.choices(vocabulary.sentences, k=6)
        + ([f"{product[1]} was named."] if product else [])
    )
    site = f"news-{pk % max(1, ctx.scale.feeds) + 1}.example.com"
    url = f"https://{site}/{created:%Y/%m}/story-{pk}"
    failed = state == "failed"
    duplicate_of = rng.randint(1, pk - 1) if state == "duplicate" and pk > 1 else None
    if state == "duplicate" and duplicate_of is None:
        state = "rejected"
    accepted = state == "accepted"
    # As the pipeline numbers the possible originals, in the order they were
    # stored (ids follow creation here): duplicates and failures get none.
    minhash_seq = None if failed or duplicate_of else pk
    updated = created + dt.timedelta(minutes=rng.randint(1, 600))
    chunk.articles.append(
        (
            pk, state, "The page answered 404 Not Found." if failed else "",
            rng.randint(1, ctx.scale.feeds) if ctx.scale.feeds else None,
            url, url, url, "" if failed else url, title, words.sentence(rng, lead),
            created, None if failed else created,
            "" if failed else "text/html", "" if failed else title,
            "" if failed else f"{words.pseudo_word(rng, 2)} {words.pseudo_word(rng)}",
            None if failed else created.date(), "" if failed else "json_ld",
            "" if failed else site, "" if failed else "en", "" if failed else text,
            "" if failed else hashlib.sha256(url.encode()).hexdigest(),
            None if failed else signature,
            duplicate_of,
            f"Near-copy as article #{duplicate_of}" if duplicate_of else "",
            0.0 if failed else round(rng.uniform(0, 10), 2),
            [] if failed else [words.COMMON_TERM.lower(), rng.choice(words.NOUNS)],
            rng.randint(1, ctx.event_count) if accepted and ctx.event_count else None,
            rng.randint(1, ctx.source_count) if accepted and ctx.source_count else None,
            None, updated if state in ("accepted", "rejected") else None,
            created, updated, minhash_seq,
        )
    )  # fmt: skip
    if not failed:
        _links(ctx, chunk, pk, state=state, named=named, product=product)


def _links(
    ctx: SeedContext,
    chunk: _Chunk,
    pk: int,
    *,
    state: str,
    named: list[tuple[int, str]],
    product: tuple[int, str] | None,
) -> None:
    """The article's mentions, and its suggestions when it waits for review."""
    rng = ctx.rng
    for org, name in named:
        chunk.mentions.append((pk, org, None, name[:200], rng.randint(1, 5)))
    if product:
        chunk.mentions.append((pk, None, product[0], product[1][:200], 1))
    if state == "in_review" and named:
        for controversy in _suggested(ctx, [org for org, _ in named]):
            chunk.suggestions.append(
                (pk, controversy, round(rng.uniform(1, 10), 2),
                 [f"Names {ctx.org_names[named[0][0]]}", "Mentions AI"])
            )  # fmt: skip


def _suggested(ctx: SeedContext, orgs: list[int]) -> list[int]:
    found: list[int] = []
    for org in orgs:
        own = ctx.controversies_by_company.get(org)
        if own:
            pick = own[ctx.rng.randrange(len(own))]
            if pick not in found:
                found.append(pick)
    return found[:3]
