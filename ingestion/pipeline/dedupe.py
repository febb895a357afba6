"""Step 4, dedupe: canonical URLs, exact copies and syndicated near-copies.

``fingerprint()`` reads the extracted text (before any lock); ``check()`` says which
article, if any, the page copies, from the rows of ``reads()``. Those reads and
``check()`` must run under the writer's lock with the dedupe lock taken
(``sql.lock_state_then(serialise_dedupe=True)``, which sends them with the lock): two
near-copies stored at once must see each other. Nothing here writes.

Three nets, tightest first: the canonical URL is unique; a SHA-256 of the normalised text
catches the same story under another address; a MinHash LSH index over word shingles
catches syndicated near-copies (Jaccard >= 0.8). Copies are kept and linked to the
original, never deleted.

The MinHash signature of every article is stored with it, so the LSH index can be rebuilt
from the database at any time. Each worker keeps one index in memory for a bounded window
(the last INGESTION_DEDUPE_WINDOW_DAYS, at most INGESTION_LSH_MAX_ENTRIES articles, a
tenth more between rebuilds), topped up before each lookup with the rows stored since
(by minhash_seq) and rebuilt once an hour so old entries fall out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Max
from django.utils import timezone

from controversies.canonical import InvalidURL, canonicalize_url
from ingestion.models import Article, ArticleState
from ingestion.pipeline import sql

NUM_PERM = 128
SCHEME = "affine32"
SHINGLE_WORDS = 5
NEAR_DUPLICATE_THRESHOLD = 0.8
_WORD = re.compile(r"\w+", re.UNICODE)
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def normalise_text(text: str) -> str:
    """Lower-case words only, so whitespace, punctuation and typography do not count."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_WORD.findall(folded))


def content_hash(text: str, *, normalised: str | None = None) -> str:
    """``normalised``: normalise_text(text), if the caller has it already."""
    if normalised is None:
        normalised = normalise_text(text)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _new_minhash(hashvalues: np.ndarray | None = None) -> MinHash:
    # datasketch would derive the permutations from the seed for every MinHash; they
    # depend only on NUM_PERM and the seed, so they are derived once and shared.
    return MinHash(
        num_perm=NUM_PERM, scheme=SCHEME, hashvalues=hashvalues, permutations=_PERMUTATIONS
    )


def minhash_of(text: str, *, normalised: str | None = None) -> MinHash | None:
    """``normalised``: normalise_text(text), if the caller has it already."""
    words = (normalise_text(text) if normalised is None else normalised).split()
    if len(words) < SHINGLE_WORDS:
        return None
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    signature = _new_minhash()
    signature.update_batch(list(shingles))
    return signature


def minhash_to_bytes(signature: MinHash) -> bytes:
    return signature.hashvalues.astype(np.uint32).tobytes()


def minhash_from_bytes(data: bytes | memoryview) -> MinHash:
    return _new_minhash(np.frombuffer(bytes(data), dtype=np.uint32))


_TOP_UP_BATCH = 5_000


class NearDuplicateIndex:
    """A bounded in-memory MinHash LSH index over stored signatures."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._lsh = MinHashLSH(threshold=NEAR_DUPLICATE_THRESHOLD, num_perm=NUM_PERM)
        self._built_at: dt.datetime | None = None
        self._last_seq = 0  # the largest minhash_seq read
        self.size = 0

    def _candidates(self):
        window = timezone.now() - dt.timedelta(days=settings.INGESTION_DEDUPE_WINDOW_DAYS)
        return Article.objects.filter(minhash__isnull=False, created_at__gte=window).exclude(
            state__in=[ArticleState.DUPLICATE, ArticleState.FAILED]
        )

    def _insert(self, rows) -> None:
        for pk, data in rows:
            if pk in self._lsh:
                continue
            self._lsh.insert(pk, minhash_from_bytes(data))
            self.size += 1

    def _rebuild_due(self) -> bool:
        rebuild_every = dt.timedelta(seconds=settings.INGESTION_LSH_REBUILD_SECONDS)
        return self._built_at is None or timezone.now() - self._built_at > rebuild_every

    def top_up_read(self) -> sql.Statement | None:
        """The read of the rows stored since the last top-up, for a caller to send ahead
        of the lookup (``query(newer=...)``); None when the next lookup rebuilds the
        index instead."""
        if self._rebuild_due():
            return None
        return sql.minhash_rows_after(self._last_seq, limit=_TOP_UP_BATCH)

    def refresh(self, newer: list[tuple] | None = None) -> None:
        """Rebuild the index when it is due, else top it up with the rows stored since
        the last top-up; ``newer``: the rows of top_up_read(), if the caller read them."""
        if self._rebuild_due():
            self.reset()
            # First: later rows come by top-up.
            self._last_seq = Article.objects.aggregate(last=Max("minhash_seq"))["last"] or 0
            newest = self._candidates().order_by("-created_at")
            self._insert(newest.values_list("pk", "minhash")[: settings.INGESTION_LSH_MAX_ENTRIES])
            self._built_at = timezone.now()
            return
        # Not limited to the window: an old article stored again just now joins the index
        # until the next rebuild.
        rows = newer
        while True:
            if rows is None:
                read = sql.minhash_rows_after(self._last_seq, limit=_TOP_UP_BATCH)
                rows = sql.query_together([read])[0]
            self._insert((pk, data) for pk, data, _seq in rows)
            if rows:
                self._last_seq = max(self._last_seq, rows[-1][2])
            if len(rows) < _TOP_UP_BATCH:
                break
            rows = None
        # Some headroom, or a full window would be rebuilt after every new article.
        limit = settings.INGESTION_LSH_MAX_ENTRIES
        if self.size > limit + limit // 10:
            self._built_at = None  # rebuilt (and trimmed) on the next lookup

    def query(
        self, signature: MinHash, *, exclude: int | None = None, newer: list[tuple] | None = None
    ) -> list[int]:
        with self._lock:
            self.refresh(newer)
            return [pk for pk in self._lsh.query(signature) if pk != exclude]


near_duplicate_index = NearDuplicateIndex()


def page_canonical_url(*, article: Article, final_url: str, declared: str) -> str:
    """The page's same-site rel=canonical or og:url wins; else where redirects ended."""
    for candidate in (declared, final_url):
        if candidate:
            try:
                return canonicalize_url(candidate)
            except InvalidURL:
                continue
    return article.canonical_url


Holders = tuple[Article | None, Article | None]
_HOLDER_FIELDS = ("id", "state", "duplicate_of_id")


def url_and_text_holders(
    *, article: Article, canonical_url: str, text_hash: str, rows: list[tuple] | None = None
) -> Holders:
    """In one query: the article holding ``canonical_url`` (in any state) and the first
    one, not failed, with the same text (each with only pk, state and duplicate_of
    loaded). ``rows``: what sql.holders_statement() read, if the caller read it."""
    if rows is None:
        read = sql.holders_statement(
            article_id=article.pk, canonical_url=canonical_url, text_hash=text_hash
        )
        rows = sql.query_together([read])[0]
    found = {
        holds: Article.from_db(DEFAULT_DB_ALIAS, _HOLDER_FIELDS, values) for holds, *values in rows
    }
    return found.get("url"), found.get("text")


def find_duplicate(
    *,
    article: Article,
    canonical_url: str,
    text_hash: str,
    signature: MinHash | None,
    holders: Holders | None = None,
    newer: list[tuple] | None = None,
) -> tuple[Article, str] | None:
    """The original this article copies and why, or None if it looks new. ``holders``:
    what url_and_text_holders() said, if the caller asked already; ``newer``: the
    near-duplicate index's top-up, if the caller read it (top_up_read())."""
    if holders is None:
        holders = url_and_text_holders(
            article=article, canonical_url=canonical_url, text_hash=text_hash
        )
    same_url, same_text = holders
    if same_url is not None and same_url.state != ArticleState.FAILED:
        return original_of(same_url), "Same canonical URL"
    if same_text is not None:
        return original_of(same_text), "Same text"
    if signature is None:
        return None
    others = Article.objects.exclude(pk=article.pk).exclude(state=ArticleState.FAILED)
    best, best_score = None, 0.0
    candidate_ids = near_duplicate_index.query(signature, exclude=article.pk, newer=newer)
    if not candidate_ids:
        return None
    candidates = (
        others.filter(pk__in=candidate_ids)
        .exclude(state=ArticleState.DUPLICATE)
        .only("pk", "minhash", "created_at")
    )
    for other in candidates:
        score = signature.jaccard(minhash_from_bytes(other.minhash))
        if score >= NEAR_DUPLICATE_THRESHOLD and (
            score > best_score or (score == best_score and other.created_at < best.created_at)
        ):
            best, best_score = other, score
    if best is None:
        return None
    return best, f"Near-copy (about {best_score:.0%} of the text in common)"


def original_of(article: Article) -> Article:
    """Follow the link to the first copy, so every duplicate points at an original."""
    seen = {article.pk}
    while article.duplicate_of_id and article.duplicate_of_id not in seen:
        seen.add(article.duplicate_of_id)
        article = article.duplicate_of
    return article


@dataclass(frozen=True)
class Fingerprint:
    """What the text of an article is, for spotting copies of it."""

    content_hash: str
    signature: MinHash | None  # None for a text too short to shingle

    def minhash_bytes(self) -> bytes | None:
        return minhash_to_bytes(self.signature) if self.signature is not None else None


def fingerprint(text: str) -> Fingerprint:
    normalised = normalise_text(text)  # once, for both fingerprints
    return Fingerprint(
        content_hash=content_hash(text, normalised=normalised),
        signature=minhash_of(text, normalised=normalised),
    )


@dataclass(frozen=True)
class Dedupe:
    """The page's canonical URL, and the original it copies (None if it looks new)."""

    canonical_url: str
    original: Article | None = None
    reason: str = ""


def reads(*, article: Article, canonical_url: str, found: Fingerprint) -> list[sql.Statement]:
    """What check() reads from the database, for the writer to send with its lock in one
    round trip: the URL's and the text's holders, then the index's top-up (when it is
    not due for a rebuild)."""
    holders = sql.holders_statement(
        article_id=article.pk, canonical_url=canonical_url, text_hash=found.content_hash
    )
    top_up = near_duplicate_index.top_up_read()
    return [holders] if top_up is None else [holders, top_up]


def check(
    *, article: Article, canonical_url: str, found: Fingerprint, rows: list[list[tuple]]
) -> Dedupe:
    """The dedupe step's verdict on an article whose page's canonical URL is
    ``canonical_url`` (page_canonical_url()), given the rows of reads(). Run it, and
    those reads, under the writer's lock (see the module's docstring)."""
    holders = url_and_text_holders(
        article=article, canonical_url=canonical_url, text_hash=found.content_hash, rows=rows[0]
    )
    canonical = canonical_url
    if holders[0] is not None and holders[0].state == ArticleState.FAILED:
        # A failed row cannot be an original, but it owns the URL: keep ours.
        canonical = article.canonical_url
    duplicate = find_duplicate(
        article=article,
        canonical_url=canonical,
        text_hash=found.content_hash,
        signature=found.signature,
        holders=holders,
        newer=rows[1] if len(rows) > 1 else None,
    )
    if duplicate is None:
        return Dedupe(canonical_url=canonical)
    original, reason = duplicate
    return Dedupe(canonical_url=canonical, original=original, reason=reason)
