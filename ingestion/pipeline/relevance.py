"""How much an article is about AI ethics, from the topic terms it uses.

A transparent score rather than a model: curators can see which terms counted. Terms
listed here are joined by the names of the topics curated in the database.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from controversies.ingestion_selectors import topic_names
from ingestion.pipeline.curated import CuratedSnapshot

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


@lru_cache(maxsize=512)
def _compiled(term: str) -> re.Pattern[str]:
    # The term alone, not wrapped in (?<!\w)...(?!\w): occurs() checks the word
    # boundaries around each hit, so the search never starts with a look-behind.
    return re.compile(re.escape(term), 0 if term.isupper() else re.IGNORECASE)


def is_word_char(ch: str) -> bool:
    """Exactly what the regex \\w matches: the whole-word rule for terms and aliases."""
    return ch.isalnum() or ch == "_"


def occurs(term: str, text: str) -> bool:
    """Whether ``term`` occurs in ``text`` as a whole word (in any case unless it is all
    capitals): what (?<!\\w)term(?!\\w) finds, with each occurrence checked here."""
    pattern = _compiled(term)
    position = 0
    while position <= len(text) and (match := pattern.search(text, position)):
        start, end = match.span()
        if not (start > 0 and is_word_char(text[start - 1])) and not (
            end < len(text) and is_word_char(text[end])
        ):
            return True
        position = start + 1
    return False


# The only characters re.IGNORECASE takes for an ASCII letter that are not one (Kelvin
# sign, dotted and dotless I, long s). In a text without them, an ASCII term occurs in
# any case only where the lower-cased term is a substring of the lower-cased text.
_IGNORECASE_LOOKALIKES = frozenset("\u212a\u0130\u0131\u017f")


def _may_occur(term: str, text: str, lowered: str | None) -> bool:
    """A plain substring test that is false only when occurs() would be: most terms are
    absent from most texts, so the case-insensitive regex runs only where it may match."""
    if term.isupper():
        return term in text
    if lowered is None or not term.isascii():
        return True
    return term.lower() in lowered


def _lowered(text: str) -> str | None:
    """``text`` lower-cased for _may_occur, or None if it holds an IGNORECASE lookalike."""
    return None if not _IGNORECASE_LOOKALIKES.isdisjoint(text) else text.lower()


def _load_topic_terms() -> list[tuple[str, float]]:
    curated = [(name, 2.0) for _pk, name in topic_names()]
    seen: set[str] = set()
    terms = []
    for term, weight in [*TOPIC_TERMS, *curated]:
        key = term if term.isupper() else term.casefold()
        if key not in seen:
            seen.add(key)
            terms.append((term, weight))
    return terms


# The topic table is small: reloaded whenever curated data may have changed.
_topic_terms = CuratedSnapshot(_load_topic_terms)


def topic_terms() -> list[tuple[str, float]]:
    return _topic_terms.get()


# (id, name) of every curated topic: suggestions look for each by name in the text.
_topics = CuratedSnapshot(topic_names)


def curated_topics() -> list[tuple[int, str]]:
    return _topics.get()


def forget_topic_terms() -> None:
    _topic_terms.forget()
    _topics.forget()


def terms_in(text: str, terms: list[str]) -> list[str]:
    """The terms that occur in ``text`` as whole words."""
    lowered = _lowered(text)
    return [term for term in terms if _may_occur(term, text, lowered) and occurs(term, text)]


def relevance_score(text: str, *, entity_count: int = 0) -> tuple[float, list[str]]:
    """A score between 0 and 1 and the terms that earned it."""
    found: list[str] = []
    raw = ENTITY_WEIGHT * min(entity_count, 5)
    lowered = _lowered(text)
    for term, weight in topic_terms():
        if _may_occur(term, text, lowered) and occurs(term, text):
            found.append(term)
            raw += weight
    return round(1 - math.exp(-raw / SCALE), 3), found
