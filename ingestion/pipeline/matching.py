"""Which known organisations and products an article names.

One Aho-Corasick automaton holds every name and alias, so a text is scanned once however
many entities there are. Short all-capital acronyms (ICE, IBM, ACLU) only match in
capitals, so "ice" in a weather story is not the immigration agency; every other alias
matches in any case. A match must stand as a whole word. The automaton is rebuilt when
an organisation or product changes, detected by a cheap fingerprint (latest update time
and row count of each table).
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
from django.db import transaction
from django.db.models import Count, Max

from controversies.models import Organization, Product, split_aliases
from ingestion.models import Article, ArticleState, Mention
from ingestion.pipeline.common import lock_article
from ingestion.pipeline.relevance import relevance_score

ORGANIZATION = "organization"
PRODUCT = "product"
MIN_ALIAS_LENGTH = 2
MAX_ACRONYM_LENGTH = 6


@dataclass(frozen=True)
class Hit:
    kind: str
    pk: int
    alias: str
    count: int


def is_acronym(alias: str) -> bool:
    letters = alias.replace("&", "").replace(".", "").replace("-", "")
    return len(alias) <= MAX_ACRONYM_LENGTH and letters.isalnum() and alias.isupper()


def fold_case(text: str) -> str:
    """Lower-case without changing the length, so offsets stay valid in the original."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Matcher:
    def __init__(self, entities: Iterable[tuple[str, int, list[str]]]):
        keyed: dict[tuple[bool, str], list[tuple[str, int, str]]] = defaultdict(list)
        for kind, pk, names in entities:
            for name in names:
                name = " ".join(name.split())
                if len(name) < MIN_ALIAS_LENGTH:
                    continue
                exact = is_acronym(name)
                key = name if exact else fold_case(name)
                if (kind, pk, name) not in keyed[(exact, key)]:
                    keyed[(exact, key)].append((kind, pk, name))
        self._exact = ahocorasick.Automaton()
        self._folded = ahocorasick.Automaton()
        for (exact, key), targets in keyed.items():
            (self._exact if exact else self._folded).add_word(key, (len(key), targets))
        for automaton in (self._exact, self._folded):
            if len(automaton):
                automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        counts: Counter[tuple[str, int]] = Counter()
        aliases: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
        for automaton, haystack in ((self._exact, text), (self._folded, fold_case(text))):
            if not len(automaton):
                continue
            for end, (length, targets) in automaton.iter(haystack):
                start = end - length + 1
                if start > 0 and _is_word_char(text[start - 1]):
                    continue
                if end + 1 < len(text) and _is_word_char(text[end + 1]):
                    continue
                for kind, pk, alias in targets:
                    counts[(kind, pk)] += 1
                    aliases[(kind, pk)][alias] += 1
        return [
            Hit(kind=kind, pk=pk, alias=aliases[(kind, pk)].most_common(1)[0][0], count=n)
            for (kind, pk), n in counts.most_common()
        ]


def _fingerprint() -> tuple:
    orgs = Organization.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    products = Product.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return (orgs["n"], orgs["last"], products["n"], products["last"])


_cache_lock = threading.Lock()
_cache: dict[str, object] = {}


def current_matcher() -> Matcher:
    """The automaton for the entities as they are now, rebuilt only when they changed."""
    fingerprint = _fingerprint()
    with _cache_lock:
        if _cache.get("fingerprint") != fingerprint:
            entities: list[tuple[str, int, list[str]]] = []
            for pk, name, aliases in Organization.objects.values_list("pk", "name", "aliases"):
                entities.append((ORGANIZATION, pk, [name, *split_aliases(aliases)]))
            for pk, name, aliases in Product.objects.values_list("pk", "name", "aliases"):
                entities.append((PRODUCT, pk, [name, *split_aliases(aliases)]))
            _cache["matcher"] = Matcher(entities)
            _cache["fingerprint"] = fingerprint
        return _cache["matcher"]  # type: ignore[return-value]


def _article_text(article: Article) -> str:
    return "\n".join(filter(None, [article.title or article.feed_title, article.text]))


def mentions_replace(*, article: Article, hits: list[Hit]) -> None:
    article.mentions.all().delete()
    Mention.objects.bulk_create(
        Mention(
            article=article,
            organization_id=hit.pk if hit.kind == ORGANIZATION else None,
            product_id=hit.pk if hit.kind == PRODUCT else None,
            alias=hit.alias[:200],
            count=hit.count,
        )
        for hit in hits
    )


def article_rematch(*, article: Article) -> list[Hit]:
    """Re-run matching and relevance on an article in any state past extraction."""
    text = _article_text(article)
    hits = current_matcher().find(text)
    with transaction.atomic():
        mentions_replace(article=article, hits=hits)
        score, terms = relevance_score(text, entity_count=len(hits))
        article.relevance, article.relevance_terms = score, terms
        Article.objects.filter(pk=article.pk).update(relevance=score, relevance_terms=terms)
    return hits


def article_match(*, article: Article) -> str:
    """Extracted -> matched: record mentions and the relevance score."""
    matcher = current_matcher()
    with transaction.atomic():
        locked = lock_article(article.pk, [ArticleState.EXTRACTED])
        if locked is None:
            article.refresh_from_db()
            return article.state
        text = _article_text(locked)
        hits = matcher.find(text)
        mentions_replace(article=locked, hits=hits)
        locked.relevance, locked.relevance_terms = relevance_score(text, entity_count=len(hits))
        locked.state = ArticleState.MATCHED
        locked.save(update_fields=["relevance", "relevance_terms", "state", "updated_at"])
    article.refresh_from_db()
    return article.state
