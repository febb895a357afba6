"""How much an article is about AI ethics, from the topic terms it uses.

A transparent score rather than a model: curators can see which terms counted. Terms
listed here are joined by the names of the topics curated in the database.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from controversies.models import Topic

# (term, weight): AI terms say "this is about AI", harm terms say "and about its ethics".
TOPIC_TERMS: tuple[tuple[str, float], ...] = (
    ("artificial intelligence", 2.0),
    ("AI", 2.0),
    ("machine learning", 2.0),
    ("algorithm", 1.5),
    ("algorithmic", 1.5),
    ("facial recognition", 3.0),
    ("face recognition", 3.0),
    ("biometric", 2.0),
    ("surveillance", 2.0),
    ("predictive policing", 3.0),
    ("police", 1.0),
    ("policing", 1.0),
    ("immigration", 1.0),
    ("bias", 2.0),
    ("biased", 2.0),
    ("discrimination", 2.0),
    ("misidentified", 2.0),
    ("false match", 2.0),
    ("civil liberties", 2.0),
    ("civil rights", 2.0),
    ("privacy", 1.5),
    ("moratorium", 1.5),
    ("shareholder proposal", 1.5),
    ("shareholder resolution", 1.5),
    ("open letter", 1.0),
    ("deepfake", 2.5),
    ("misinformation", 1.5),
    ("autonomous weapons", 3.0),
    ("military", 1.0),
    ("ethics", 1.5),
    ("accountability", 1.0),
    ("transparency", 1.0),
    ("audit", 1.0),
)
ENTITY_WEIGHT = 1.0
# raw score at which relevance reaches about 0.63; keeps the scale readable (0..1).
SCALE = 8.0


def _term_pattern(term: str) -> re.Pattern[str]:
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", flags)


@lru_cache(maxsize=512)
def _compiled(term: str) -> re.Pattern[str]:
    return _term_pattern(term)


def topic_terms() -> list[tuple[str, float]]:
    curated = [(name, 2.0) for name in Topic.objects.values_list("name", flat=True)]
    seen: set[str] = set()
    terms = []
    for term, weight in [*TOPIC_TERMS, *curated]:
        key = term if term.isupper() else term.casefold()
        if key not in seen:
            seen.add(key)
            terms.append((term, weight))
    return terms


def terms_in(text: str, terms: list[str]) -> list[str]:
    """The terms that occur in ``text`` as whole words."""
    return [term for term in terms if _compiled(term).search(text)]


def relevance_score(text: str, *, entity_count: int = 0) -> tuple[float, list[str]]:
    """A score between 0 and 1 and the terms that earned it."""
    found: list[str] = []
    raw = ENTITY_WEIGHT * min(entity_count, 5)
    for term, weight in topic_terms():
        if _compiled(term).search(text):
            found.append(term)
            raw += weight
    return round(1 - math.exp(-raw / SCALE), 3), found
