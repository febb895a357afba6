"""Step 5, match: which known organisations and products an article names.

One Aho-Corasick automaton holds every name and alias, so a text is scanned once however
many entities there are. Short all-capital acronyms (ICE, IBM, ACLU) only match in
capitals, so "ice" in a weather story is not the immigration agency; every other alias
matches in any case. A match must stand as a whole word: the automaton scans a copy of
the text in which every non-word character is a space, and keys that begin or end with
a word character carry a space there, so it never reports a name inside a longer word
(with tens of thousands of aliases those hits would grow with the alias count, only to be
thrown away). The automaton is rebuilt when an organisation or product changes
(``curated``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from controversies.ingestion_selectors import matchable_names, matchable_names_stamp
from ingestion.models import Article
from ingestion.pipeline.curated import CuratedSnapshot
from ingestion.pipeline.relevance import is_word_char, relevance_score

ORGANIZATION = "organization"
PRODUCT = "product"
MIN_ALIAS_LENGTH = 2
MAX_ACRONYM_LENGTH = 6


class _SpacedPunctuation(dict):
    """A str.translate table turning every non-word character into a space and keeping
    word characters. Filled as characters are first met (a text rarely has more than a
    few hundred distinct ones), up to a bound."""

    def __missing__(self, code: int) -> int:
        value = code if is_word_char(chr(code)) else 0x20
        if len(self) < 100_000:
            self[code] = value
        return value


_SPACED = _SpacedPunctuation()


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


def spaced(text: str) -> str:
    """``text`` with each non-word character replaced by a space, padded with one space
    on each side: "(IBM's)" -> "  IBM s  ". Offsets in ``text`` are one less."""
    return f" {text.translate(_SPACED)} "


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
            # A key's word-character ends must meet a space (a word's edge); an end that
            # is punctuation (".NET") cannot, and is checked in find() instead.
            pad_start = " " if is_word_char(key[0]) else ""
            pad_end = " " if is_word_char(key[-1]) else ""
            padded = pad_start + key.translate(_SPACED) + pad_end
            value = (len(padded), len(pad_start), key, not pad_start, not pad_end, targets)
            (self._exact if exact else self._folded).add_word(padded, value)
        for automaton in (self._exact, self._folded):
            if len(automaton):
                automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        counts: Counter[tuple[str, int]] = Counter()
        aliases: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
        for automaton, haystack in ((self._exact, text), (self._folded, fold_case(text))):
            if not len(automaton):
                continue
            for end, value in automaton.iter(spaced(haystack)):
                length, pad, key, check_start, check_end, targets = value
                start = end - length + pad  # in ``haystack``: see spaced()
                # Every punctuation mark became a space: confirm the real characters.
                if haystack[start : start + len(key)] != key:
                    continue
                if check_start and start > 0 and is_word_char(text[start - 1]):
                    continue
                stop = start + len(key)
                if check_end and stop < len(text) and is_word_char(text[stop]):
                    continue
                for kind, pk, alias in targets:
                    counts[(kind, pk)] += 1
                    aliases[(kind, pk)][alias] += 1
        return [
            Hit(kind=kind, pk=pk, alias=aliases[(kind, pk)].most_common(1)[0][0], count=n)
            for (kind, pk), n in counts.most_common()
        ]


def _build_matcher() -> Matcher:
    organizations, products = matchable_names()
    entities = [(ORGANIZATION, pk, names) for pk, names in organizations]
    entities += [(PRODUCT, pk, names) for pk, names in products]
    return Matcher(entities)


_matcher = CuratedSnapshot(_build_matcher, stamp=matchable_names_stamp)


def current_matcher() -> Matcher:
    """The automaton for the entities as they are now, rebuilt only when they changed."""
    return _matcher.get()


def forget_matcher() -> None:
    _matcher.forget()


def article_text(article: Article) -> str:
    """What matching, relevance and suggestions read: the title and the main text."""
    return "\n".join(filter(None, [article.title or article.feed_title, article.text]))


@dataclass(frozen=True)
class Matches:
    """What an article's text names, and how relevant it reads."""

    hits: list[Hit]
    relevance: float
    relevance_terms: list[str]

    def mentioned_ids(self) -> tuple[set[int], set[int]]:
        """(organisation ids, product ids) among the hits."""
        return (
            {hit.pk for hit in self.hits if hit.kind == ORGANIZATION},
            {hit.pk for hit in self.hits if hit.kind == PRODUCT},
        )


def match(article: Article) -> Matches:
    """The match step: the known organisations and products the article names, and its
    relevance score. Reads the article's title and text; writes nothing."""
    text = article_text(article)
    hits = current_matcher().find(text)
    relevance, terms = relevance_score(text, entity_count=len(hits))
    return Matches(hits=hits, relevance=relevance, relevance_terms=terms)
