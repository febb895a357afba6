"""Canonical URLs, exact copies and syndicated near-copies.

Three nets, tightest first: the canonical URL is unique; a SHA-256 of the normalised text
catches the same story under another address; a MinHash LSH index over word shingles
catches syndicated near-copies (Jaccard >= 0.8). Copies are kept and linked to the
original, never deleted.

The MinHash signature of every article is stored with it, so the LSH index can be rebuilt
from the database at any time. Each worker keeps one index in memory for a bounded window
(the last INGESTION_DEDUPE_WINDOW_DAYS, at most INGESTION_LSH_MAX_ENTRIES articles),
topped up from recently updated rows before each lookup and rebuilt once an hour so old
entries fall out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import unicodedata

import numpy as np
from datasketch import MinHash, MinHashLSH
from django.conf import settings
from django.db import connection
from django.utils import timezone

from controversies.canonical import InvalidURL, canonicalize_url
from ingestion.models import Article, ArticleState

NUM_PERM = 128
SCHEME = "affine32"
SHINGLE_WORDS = 5
NEAR_DUPLICATE_THRESHOLD = 0.8
# Rows whose commit order differs from their update time are caught by looking back a bit.
_TOP_UP_SLACK = dt.timedelta(minutes=10)
_WORD = re.compile(r"\w+", re.UNICODE)
# Any constant works; it names the lock that serialises dedupe across workers on Postgres.
_ADVISORY_LOCK_KEY = 0x1D0C5


def normalise_text(text: str) -> str:
    """Lower-case words only, so whitespace, punctuation and typography do not count."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_WORD.findall(folded))


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def minhash_of(text: str) -> MinHash | None:
    words = normalise_text(text).split()
    if len(words) < SHINGLE_WORDS:
        return None
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    signature = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    signature.update_batch(list(shingles))
    return signature


def minhash_to_bytes(signature: MinHash) -> bytes:
    return signature.hashvalues.astype(np.uint32).tobytes()


def minhash_from_bytes(data: bytes | memoryview) -> MinHash:
    values = np.frombuffer(bytes(data), dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=values)


class NearDuplicateIndex:
    """A bounded in-memory MinHash LSH index over stored signatures."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._lsh = MinHashLSH(threshold=NEAR_DUPLICATE_THRESHOLD, num_perm=NUM_PERM)
        self._built_at: dt.datetime | None = None
        self._topped_up_at: dt.datetime | None = None
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

    def refresh(self) -> None:
        now = timezone.now()
        rebuild_every = dt.timedelta(seconds=settings.INGESTION_LSH_REBUILD_SECONDS)
        if self._built_at is None or now - self._built_at > rebuild_every:
            self.reset()
            newest = self._candidates().order_by("-created_at")
            self._insert(newest.values_list("pk", "minhash")[: settings.INGESTION_LSH_MAX_ENTRIES])
            self._built_at = self._topped_up_at = now
            return
        recent = self._candidates().filter(updated_at__gte=self._topped_up_at - _TOP_UP_SLACK)
        self._insert(recent.values_list("pk", "minhash"))
        self._topped_up_at = now
        if self.size > settings.INGESTION_LSH_MAX_ENTRIES:
            self._built_at = None  # rebuilt (and trimmed) on the next lookup

    def query(self, signature: MinHash, *, exclude: int | None = None) -> list[int]:
        with self._lock:
            self.refresh()
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


def find_duplicate(
    *, article: Article, canonical_url: str, text_hash: str, signature: MinHash | None
) -> tuple[Article, str] | None:
    """The original this article copies and why, or None if it looks new."""
    others = Article.objects.exclude(pk=article.pk).exclude(state=ArticleState.FAILED)
    same_url = others.filter(canonical_url=canonical_url).first()
    if same_url:
        return _original(same_url), "Same canonical URL"
    same_text = others.filter(content_hash=text_hash).order_by("created_at", "pk").first()
    if same_text:
        return _original(same_text), "Same text"
    if signature is None:
        return None
    best, best_score = None, 0.0
    candidate_ids = near_duplicate_index.query(signature, exclude=article.pk)
    for other in others.filter(pk__in=candidate_ids).exclude(state=ArticleState.DUPLICATE):
        score = signature.jaccard(minhash_from_bytes(other.minhash))
        if score >= NEAR_DUPLICATE_THRESHOLD and (
            score > best_score or (score == best_score and other.created_at < best.created_at)
        ):
            best, best_score = other, score
    if best is None:
        return None
    return best, f"Near-copy (about {best_score:.0%} of the text in common)"


def _original(article: Article) -> Article:
    """Follow the link to the first copy, so every duplicate points at an original."""
    seen = {article.pk}
    while article.duplicate_of_id and article.duplicate_of_id not in seen:
        seen.add(article.duplicate_of_id)
        article = article.duplicate_of
    return article


def serialise_dedupe() -> None:
    """Inside a transaction on PostgreSQL, make concurrent workers dedupe one at a time,
    so two near-copies processed at the same moment still see each other."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
