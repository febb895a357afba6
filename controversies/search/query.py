"""Reading what the reader typed: the words and phrases to find and to leave out.

One reading serves the site search and the text box of the controversy list, so both
agree on what a query means: every term must be found (AND), a term is a word or a
"quoted phrase", ``-word`` leaves a word out, and ``or`` joins two terms as alternatives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200

# At most this many words or phrases are searched for. PostgreSQL parses a query with a
# fixed-size operator stack: a run of operators with nothing to apply them to ("-" x 33)
# overflows it ("tsquery stack too small"). The terms rebuilt below hold only word
# characters, each with at most one operator, so the stack never grows past the terms.
MAX_TERMS = 12
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


def parse_query(query: str) -> ParsedQuery:
    """The terms of a (cleaned) query, at most MAX_TERMS, with a notice for each way the
    query was simplified or could not be searched."""
    parsed = ParsedQuery()
    pending_or = False
    for typed, words, negated, is_or in _tokens(query):
        if is_or:
            pending_or = bool(parsed.terms)  # "or" joins two terms; a leading one is a typo
            continue
        if not words:
            continue  # an operator, bracket or empty quote with nothing to apply to
        if len(parsed.terms) == MAX_TERMS:
            parsed.notices.append(
                f"Your search had more than {MAX_TERMS} words or phrases, "
                f"so only the first {MAX_TERMS} were used."
            )
            break
        parsed.terms.append(Term(typed, words, negated=negated, alternative=pending_or))
        pending_or = False
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
    return parsed


def plain_terms(query: str) -> tuple[list[str], list[str]]:
    """Words to find and words to exclude, from the websearch syntax, for the fallback."""
    parsed = parse_query(query)
    return parsed.include, parsed.exclude
