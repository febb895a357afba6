"""The sentence of an article that names what it matched: offered as the citation's quote.

A name counts where the matcher would have counted it: as a whole word, and for a short
all-capital acronym (ICE, ACLU) only in capitals; any other name in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingestion.pipeline.matching import MIN_ALIAS_LENGTH, is_acronym

MAX_QUOTE_CHARS = 600

# A sentence ends at . ! or ? (perhaps followed by a closing quote or bracket) before
# whitespace and a capital, a digit or an opening quote; a paragraph always ends one.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences, each with its inner whitespace collapsed."""
    found = []
    for paragraph in text.splitlines():
        for sentence in _SENTENCE_END.split(paragraph):
            sentence = " ".join(sentence.split())
            if sentence:
                found.append(sentence)
    return found


def _name_pattern(names: Iterable[str]) -> re.Pattern | None:
    exact, folded = set(), set()
    for name in names:
        name = " ".join(name.split())
        if len(name) < MIN_ALIAS_LENGTH:
            continue
        (exact if is_acronym(name) else folded).add(re.escape(name))
    parts = [rf"(?-i:{alternative})" for alternative in sorted(exact)]
    parts += sorted(folded)
    if not parts:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)


def first_sentence_naming(text: str, names: Iterable[str]) -> str:
    """The first sentence of ``text`` that names one of ``names`` ("" when none does),
    cut to MAX_QUOTE_CHARS."""
    pattern = _name_pattern(names)
    if pattern is None:
        return ""
    for sentence in sentences(text):
        if pattern.search(sentence):
            if len(sentence) <= MAX_QUOTE_CHARS:
                return sentence
            return sentence[: MAX_QUOTE_CHARS - 1].rstrip() + "…"
    return ""
