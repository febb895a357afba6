"""Reading what the reader typed: the words and phrases to find and to leave out.

One reading serves the site search and the text box of the controversy list, so both
agree on what a query means: every term must be found (AND), a term is a word or a
"quoted phrase", ``-word`` leaves a word out, and ``or`` joins two terms as alternatives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200

# At most this many different words or phrases are searched for (repeats are dropped
# first). Each one is looked for in every place a controversy can be found, through its
# own subqueries, and in the full text of every kind of record, so the cost of a search
# grows with its terms; since every term must be found, a handful already narrows a
# search as far as more would. PostgreSQL parses a query with a fixed-size operator
# stack: a run of operators with nothing to apply them to ("-" x 33) overflows it
# ("tsquery stack too small"). The terms rebuilt below hold only word characters, each
# with at most one operator, so the stack never grows past the terms.
MAX_TERMS = 6
_TOKEN = re.compile(r'(?P<minus>-*)"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+)')
# Punctuation around a bare word ("police," or "(ACLU)") is not part of what is looked for.
_EDGE_PUNCTUATION = " .,;:!?()[]{}<>'\u2018\u2019\u201c\u201d"


def clean_query(raw: str) -> tuple[str, bool]:
    """Drop control characters (PostgreSQL refuses NUL) and the highlight markers,
    squeeze spaces, cut to the limit. Returns the text and whether it was cut."""
    text = re.sub(r"[\x00-\x1f\x7f\ue000\ue001]", " ", raw)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


@dataclass(frozen=True)
class Term:
    typed: str  # as typed, without its minus sign or quotes
    words: tuple[str, ...]  # its words: one, or those of a phrase
    negated: bool = False
    alternative: bool = False  # joined to the term before it by "or"

    @property
    def quoted(self) -> str:
        """The term alone in websearch syntax. Always quoted: a word such as "or" is then
        a word, never an operator, and a phrase stays a phrase."""
        return '"' + " ".join(self.words) + '"'

    @property
    def websearch(self) -> str:
        return ("or " if self.alternative else "") + ("-" if self.negated else "") + self.quoted

    @property
    def text(self) -> str:
        """What a plain substring match looks for: the phrase or word as typed, without
        punctuation around it."""
        return self.typed.strip(_EDGE_PUNCTUATION) or " ".join(self.words)


@dataclass
class ParsedQuery:
    """The words a search looks for and leaves out, read from the websearch syntax
    ("quoted phrases", or, -not); whatever is not a word (stray operators, brackets,
    empty quotes and negations) is dropped."""

    terms: list[Term] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def include(self) -> list[str]:
        return [term.typed for term in self.terms if not term.negated]

    @property
    def exclude(self) -> list[str]:
        return [term.typed for term in self.terms if term.negated]

    @property
    def websearch(self) -> str:
        """The query in websearch syntax, rebuilt from words only: always parseable."""
        return " ".join(term.websearch for term in self.terms)

    @property
    def clauses(self) -> list[list[Term]]:
        """The terms grouped so that every group must hold and, within a group, one of
        its terms (terms joined by "or")."""
        groups: list[list[Term]] = []
        for term in self.terms:
            if term.alternative and groups:
                groups[-1].append(term)
            else:
                groups.append([term])
        return groups


def _tokens(query: str) -> list[tuple[str, tuple[str, ...], bool, bool]]:
    """(text, words, negated, is the word "or") for each token of the query."""
    tokens = []
    for match in _TOKEN.finditer(query):
        if match.group("bare") is not None:
            bare = match.group("bare")
            negated, text = bare.startswith("-"), bare.lstrip("-")
        else:
            negated, text = bool(match.group("minus")), match.group("phrase")
        words = tuple(re.findall(r"\w+", text))
        is_or = not negated and match.group("bare") is not None and text.lower() == "or"
        tokens.append((text.strip(), words, negated, is_or))
    return tokens


def _read_terms(query: str) -> list[Term]:
    """Every term of the query, in order, with the "or" that joins it to the one before."""
    terms: list[Term] = []
    pending_or = False
    for typed, words, negated, is_or in _tokens(query):
        if is_or:
            pending_or = bool(terms)  # "or" joins two terms; a leading one is a typo
            continue
        if not words:
            continue  # an operator, bracket or empty quote with nothing to apply to
        terms.append(Term(typed, words, negated=negated, alternative=pending_or))
        pending_or = False
    return terms


def _key(term: Term) -> tuple[bool, tuple[str, ...]]:
    """What makes two terms the same: the same words (in any case), both left out or not."""
    return term.negated, tuple(word.lower() for word in term.words)


def _as_typed(term: Term) -> str:
    return ("-" if term.negated else "") + term.typed


def _without_repeats(terms: list[Term]) -> tuple[list[Term], list[str]]:
    """The terms without repeats, and the repeats as typed: a clause (see
    ``ParsedQuery.clauses``) that an earlier one already requires, and a term already in
    its own clause. A repeat finds nothing more, yet each would be searched for again."""
    kept: list[Term] = []
    repeats: list[str] = []
    seen_clauses: set[frozenset] = set()
    for clause in ParsedQuery(terms).clauses:
        unique: list[Term] = []
        keys: set[tuple] = set()
        for term in clause:
            if _key(term) in keys:
                repeats.append(_as_typed(term))
            else:
                keys.add(_key(term))
                unique.append(term)
        if frozenset(keys) in seen_clauses:
            repeats.extend(_as_typed(term) for term in unique)
            continue
        seen_clauses.add(frozenset(keys))
        # A clause's first term is never joined by "or", so the clauses stay as they were.
        kept.extend(unique)
    return kept, repeats


def parse_query(query: str) -> ParsedQuery:
    """The terms of a (cleaned) query, each once, at most MAX_TERMS, with a notice for
    each way the query was simplified or could not be searched."""
    parsed = ParsedQuery()
    terms, repeated = _without_repeats(_read_terms(query))
    if len(terms) > MAX_TERMS:
        parsed.notices.append(
            f"Your search had more than {MAX_TERMS} words or phrases, "
            f"so only the first {MAX_TERMS} were used."
        )
        terms = terms[:MAX_TERMS]
    parsed.terms = terms
    if parsed.terms and not parsed.include:
        parsed.notices.append(
            "Add a word to look for: words after a minus sign are only left out, "
            "and a search cannot be made of those alone."
        )
        parsed.terms = []
    elif not parsed.terms and query.strip():
        parsed.notices.append(
            "Type a word to look for: this search holds only quotes, brackets or operators."
        )
    elif repeated:
        shown = ", ".join(f"“{word}”" for word in dict.fromkeys(repeated))
        parsed.notices.append(
            f"Each word or phrase is searched for once: left out the repeated {shown}."
        )
    return parsed


def plain_terms(query: str) -> tuple[list[str], list[str]]:
    """Words to find and words to exclude, from the websearch syntax, for the fallback."""
    parsed = parse_query(query)
    return parsed.include, parsed.exclude
