"""Site search over controversies, events, organisations, products and sources.

On PostgreSQL: full-text search with the websearch syntax ("quoted phrases", or, -not),
ranked, with highlighted snippets; trigram similarity catches misspelt names. The text
vectors are stored in each table's ``search_vector`` column (migration 0005, GIN-indexed),
so neither matching nor ranking parses any text. A term found in most rows (such as "AI")
stays cheap because ranking only looks at the newest ``CANDIDATES`` matches of each kind.

On SQLite: every word must appear (case-insensitively) in one of the searched fields,
newest first; snippets are highlighted in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramSimilarity,
)
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Col
from django.db.models.functions import Greatest, Upper
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from controversies.links import slug_url
from controversies.models import Controversy, Event, EventSource, Organization, Product, Source
from controversies.models.controversy import home_controversy

MAX_QUERY_LENGTH = 200
CANDIDATES = 200
PER_KIND = 10
CONFIG = "english"
# Markers the database puts around matched words; the text is escaped first, then the
# markers become <mark> tags, so stored text can never inject HTML.
START, STOP = "\ue000", "\ue001"
TRIGRAM_THRESHOLD = 0.3


# The searched fields and their weights. On PostgreSQL the vectors themselves are the
# stored columns of migration 0005 (keep its VECTORS in step); the SQLite fallback
# searches these fields.
VECTORS = {
    "controversy": (("title", "A"), ("summary", "B")),
    "event": (("title", "A"), ("summary", "B")),
    "source": (("title", "A"), ("publisher", "B"), ("excerpt", "B")),
    "organization": (("name", "A"), ("aliases", "A"), ("description", "B")),
    "product": (("name", "A"), ("aliases", "A"), ("description", "B")),
}


class StoredVector(Expression):
    """The ``search_vector`` column of the queried table (migration 0005, PostgreSQL only).

    It is not a model field because SQLite has no tsvector; this expression resolves to
    that column of whichever table alias the query gives the model (subqueries too).
    """

    output_field = SearchVectorField()
    column = SearchVectorField()
    column.set_attributes_from_name("search_vector")

    def resolve_expression(self, query=None, *args: Any, **kwargs: Any) -> Col:
        pk = F("pk").resolve_expression(query, *args, **kwargs)
        return Col(pk.alias, self.column, output_field=self.output_field)


# The aliases (one per line) as an array of upper-cased lines without the spaces around
# them; migration 0006 indexes exactly this expression (keep them in step).
ALIAS_LINES = r"regexp_split_to_array(regexp_replace(UPPER({}), '^\s+|\s+$', '', 'g'), '\s*\n\s*')"


class IsAlias(Func):
    """PostgreSQL: the text is one of the aliases, in any case, spaces around a line
    ignored: what the fallback's regular expression says, as an array containment the
    GIN index of migration 0006 answers instead of running the expression on every row."""

    output_field = BooleanField()

    def __init__(self, text: str) -> None:
        super().__init__(F("aliases"), Upper(Value(text)))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        aliases, aliases_params = compiler.compile(self.source_expressions[0])
        text, text_params = compiler.compile(self.source_expressions[1])
        return f"{ALIAS_LINES.format(aliases)} @> ARRAY[{text}]", (*aliases_params, *text_params)


@dataclass
class Hit:
    title: SafeString
    url: str
    snippet: SafeString
    date: str = ""
    context: str = ""
    context_url: str = ""
    external: bool = False


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit]
    more: bool = False


@dataclass
class SearchResults:
    query: str = ""
    cut: bool = False
    groups: list[Group] = field(default_factory=list)
    full_text: bool = False
    notices: list[str] = field(default_factory=list)  # how the query was simplified

    @property
    def total_shown(self) -> int:
        return sum(len(g.hits) for g in self.groups)


def clean_query(raw: str) -> tuple[str, bool]:
    """Drop control characters (PostgreSQL refuses NUL), squeeze spaces, cut to the limit."""
    text = re.sub(r"[\x00-\x1f\x7f\ue000\ue001]", " ", raw)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


def _day(value: Any) -> str:
    return date_format(value, "j M Y") if value else ""


def _marked(text: str) -> SafeString:
    return mark_safe(  # noqa: S308 - escaped just above; only our markers become tags
        escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    )


# --- reading the query -------------------------------------------------------------------

# At most this many words or phrases are searched for. PostgreSQL parses a query with a
# fixed-size operator stack: a run of operators with nothing to apply them to ("-" x 33)
# overflows it ("tsquery stack too small"). The terms rebuilt below hold only word
# characters, each with at most one operator, so the stack never grows past the terms.
MAX_TERMS = 12
_TOKEN = re.compile(r'(?P<minus>-*)"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+)')


@dataclass(frozen=True)
class Term:
    typed: str  # as typed, without its minus sign or quotes
    words: tuple[str, ...]  # its words: one, or those of a phrase
    negated: bool = False
    alternative: bool = False  # joined to the term before it by "or"

    @property
    def websearch(self) -> str:
        # Always quoted: a word such as "or" is then a word, never an operator.
        text = '"' + " ".join(self.words) + '"'
        return ("or " if self.alternative else "") + ("-" if self.negated else "") + text


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


def search(raw: str) -> SearchResults:
    query, cut = clean_query(raw)
    results = SearchResults(query=query, cut=cut, full_text=settings.IS_POSTGRES)
    parsed = parse_query(query)
    results.notices = parsed.notices
    if not parsed.terms:
        return results
    if settings.IS_POSTGRES:
        results.groups = _postgres_groups(parsed)
    else:
        results.groups = _fallback_groups(parsed.include, parsed.exclude)
    return results


# --- PostgreSQL --------------------------------------------------------------------------


def _headline(field_name: str, query: SearchQuery, **options: Any) -> SearchHeadline:
    return SearchHeadline(
        field_name, query, config=CONFIG, start_sel=START, stop_sel=STOP, **options
    )


# The newest-first orders below are those of existing btree indexes (controversy_activity_idx,
# event_latest_idx, source_published_idx), so for a term found in most rows PostgreSQL walks
# the index and stops after CANDIDATES matches instead of checking every row.
NEWEST = {
    "controversy": ("-last_event_on", "title"),
    "event": ("-occurred_on", "-id"),
    "source": ("-published_on", "-id"),
}


def _ranked(
    model: type, key: str, date_field: str, query: SearchQuery, snippet_field: str
) -> QuerySet:
    """The best matches among the newest CANDIDATES matches, with highlighted text."""
    vector = StoredVector()
    candidates = (
        model.objects.annotate(document=vector)
        .filter(document=query)
        .order_by(*NEWEST[key])
        .values("pk")[:CANDIDATES]
    )
    return (
        model.objects.filter(pk__in=candidates)
        .annotate(
            rank=SearchRank(vector, query),
            title_hl=_headline("title", query, highlight_all=True),
            snippet_hl=_headline(snippet_field, query, max_words=35, min_words=15),
        )
        .order_by("-rank", F(date_field).desc(nulls_last=True), "-pk")[: PER_KIND + 1]
    )


def _named(model: type, key: str, query: SearchQuery, text: str, **extra: Any) -> QuerySet:
    """Organisations and products: full-text on name, aliases and description, plus
    trigram similarity on the name so "Rekognitoin" still finds Rekognition.

    Each way of matching is its own subquery, so each reads its own index (full text:
    the GIN index over the vector; trigrams: the trigram index; exact names: the indexes
    of migration 0006), and the rows are those of their UNION. OR-ing the conditions in
    one WHERE made PostgreSQL parse every row's text; OR-ing three subqueries made it
    read every row to test it against them. As for the other kinds, only CANDIDATES
    full-text matches are ranked (a word such as "AI" is in every name).
    """
    vector = StoredVector()
    full_text = (
        model.objects.annotate(document=vector)
        .filter(document=query)
        .order_by("pk")
        .values("pk")[:CANDIDATES]
    )
    similar = model.objects.filter(name__trigram_similar=text).order_by().values("pk")
    exact = model.objects.filter(_exact_name_filter(text)).order_by().values("pk")
    return (
        model.objects.filter(pk__in=full_text.union(similar, exact))
        .annotate(
            **extra,
            # The exact matches are already a (hashed) subquery: looking rows up in it is
            # cheaper than testing every matching name and alias again.
            exact=Case(When(pk__in=exact, then=Value(1)), default=Value(0)),
            score=Greatest(TrigramSimilarity("name", text), SearchRank(vector, query)),
            title_hl=_headline("name", query, highlight_all=True),
            snippet_hl=_headline("description", query, max_words=35, min_words=15),
        )
        .order_by("-exact", "-score", "name")[: PER_KIND + 1]
    )


def _exact_name_filter(text: str) -> Q:
    """The query is the name or one of the aliases (one per line). On PostgreSQL both
    halves read an index of migration 0006 (name__iexact compares UPPER(name))."""
    if settings.IS_POSTGRES:
        return Q(name__iexact=text) | Q(IsAlias(text))
    alias = r"(^|\n)\s*" + re.escape(text) + r"\s*(\n|$)"
    return Q(name__iexact=text) | Q(aliases__iregex=alias)


def _exact_name(text: str) -> Case:
    """1 when the query is the name or one of the aliases (one per line), so "ACLU" puts
    the American Civil Liberties Union above "ACLU of California"."""
    return Case(
        When(_exact_name_filter(text), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


# The columns a hit shows besides the database's highlighted title and snippet: a rare
# term matches a hundred times as many rows at a hundred times the data, and the long
# texts (summaries, excerpts, descriptions) were read for nothing.
SHOWN = {
    "controversy": ("slug", "status", "last_event_on"),
    "event": ("occurred_on", "occurred_on_precision"),
    "organization": ("slug", "kind"),
    "product": ("slug",),
    "source": ("url", "canonical_url", "title", "publisher", "published_on"),
}


def _postgres_groups(parsed: ParsedQuery) -> list[Group]:
    query = SearchQuery(parsed.websearch, search_type="websearch", config=CONFIG)
    # Names are compared (trigrams, exact name or alias) with the words looked for.
    text = " ".join(parsed.include)
    controversies = list(
        _ranked(Controversy, "controversy", "last_event_on", query, "summary").only(
            *SHOWN["controversy"]
        )
    )
    events = list(
        _ranked(Event, "event", "occurred_on", query, "summary")
        .annotate(**home_controversy())
        .only(*SHOWN["event"])
    )
    organizations = list(
        _named(Organization, "organization", query, text).only(*SHOWN["organization"])
    )
    products = list(
        _named(Product, "product", query, text, developer_name=_developer_name()).only(
            *SHOWN["product"]
        )
    )
    sources = list(
        _ranked(Source, "source", "published_on", query, "excerpt")
        .only(*SHOWN["source"])
        .prefetch_related(_citing_events())
    )
    return _groups(
        controversies,
        events,
        organizations,
        products,
        sources,
        title=lambda row: _marked(row.title_hl),
        snippet=lambda row: _marked(row.snippet_hl),
    )


# --- SQLite fallback ---------------------------------------------------------------------


def _words_filter(fields: tuple[str, ...], include: list[str], exclude: list[str]) -> Q:
    condition = Q()
    for term in include:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    for term in exclude:
        for name in fields:
            condition &= ~Q(**{f"{name}__icontains": term})
    return condition


def _fallback_groups(include: list[str], exclude: list[str]) -> list[Group]:
    def rows(model: type, key: str, order: list[Any]) -> QuerySet:
        fields = tuple(name for name, _ in VECTORS[key])
        return model.objects.filter(_words_filter(fields, include, exclude)).order_by(*order)[
            : PER_KIND + 1
        ]

    newest = [F("last_event_on").desc(nulls_last=True), "-pk"]
    controversies = list(rows(Controversy, "controversy", newest))
    events = list(rows(Event, "event", ["-occurred_on", "-pk"]).annotate(**home_controversy()))
    query = " ".join(include)
    organizations = list(rows(Organization, "organization", [_exact_name(query).desc(), "name"]))
    products = list(
        rows(Product, "product", [_exact_name(query).desc(), "name"]).annotate(
            developer_name=_developer_name()
        )
    )
    sources = list(
        rows(Source, "source", [F("published_on").desc(nulls_last=True), "-pk"]).prefetch_related(
            _citing_events()
        )
    )
    pattern = re.compile("|".join(re.escape(escape(t)) for t in include), re.IGNORECASE)

    def highlight(text: str, words: int | None = None) -> SafeString:
        shown = Truncator(text).words(words) if words else text
        return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escape(shown)))  # noqa: S308

    def title_of(row: Any) -> SafeString:
        return highlight(getattr(row, "title", None) or getattr(row, "name", ""))

    def snippet_of(row: Any) -> SafeString:
        text = next(
            (getattr(row, n) for n in ("summary", "excerpt", "description") if hasattr(row, n)),
            "",
        )
        return highlight(text, 35)

    return _groups(
        controversies, events, organizations, products, sources, title=title_of, snippet=snippet_of
    )


# --- shared ------------------------------------------------------------------------------


def _developer_name() -> Subquery:
    """A product's developer's name. A subquery rather than a join: PostgreSQL evaluates
    it for the shown rows only, where a join (select_related) read every organisation to
    join them to all the matching products before keeping PER_KIND + 1."""
    developer = Organization.objects.filter(pk=OuterRef("developer_id")).order_by()
    return Subquery(developer.values("name")[:1])


def _event_anchor(slug: str | None, event_id: int) -> str:
    return f"{slug_url('controversies:controversy', slug)}#event-{event_id}" if slug else ""


def _citing_events() -> Prefetch:
    return Prefetch(
        "citations",
        queryset=EventSource.objects.annotate(**home_controversy("event_id"))
        .only("source_id", "event_id")
        .order_by("id"),
    )


def _source_context(source: Source) -> tuple[str, str]:
    for citation in source.citations.all():
        return citation.home_title or "", _event_anchor(citation.home_slug, citation.event_id)
    return "", ""


def _groups(
    controversies: list[Controversy],
    events: list[Event],
    organizations: list[Organization],
    products: list[Product],
    sources: list[Source],
    *,
    title: Any,
    snippet: Any,
) -> list[Group]:
    def group(key: str, label: str, rows: list[Any], make: Any) -> Group:
        return Group(key, label, [make(r) for r in rows[:PER_KIND]], more=len(rows) > PER_KIND)

    def source_hit(s: Source) -> Hit:
        context, context_url = _source_context(s)
        return Hit(
            title(s) if s.title else escape(s.canonical_url),
            s.url,
            snippet(s),
            _day(s.published_on),
            context=" · ".join(p for p in (s.publisher, context) if p),
            context_url=context_url,
            external=True,
        )

    groups = [
        group(
            "controversies",
            "Controversies",
            controversies,
            lambda c: Hit(
                title(c),
                c.get_absolute_url(),
                snippet(c),
                _day(c.last_event_on),
                context=c.get_status_display(),
            ),
        ),
        group(
            "events",
            "Events",
            events,
            lambda e: Hit(
                title(e),
                _event_anchor(e.home_slug, e.pk),
                snippet(e),
                e.display_date,
                context=e.home_title or "",
                context_url=_event_anchor(e.home_slug, e.pk).partition("#")[0],
            ),
        ),
        group(
            "organizations",
            "Organisations",
            organizations,
            lambda o: Hit(title(o), o.get_absolute_url(), snippet(o), context=o.get_kind_display()),
        ),
        group(
            "products",
            "Products",
            products,
            lambda p: Hit(
                title(p),
                p.get_absolute_url(),
                snippet(p),
                context=f"by {p.developer_name}" if p.developer_name else "",
            ),
        ),
        group("sources", "Sources", sources, source_hit),
    ]
    return [g for g in groups if g.hits]
