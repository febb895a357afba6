"""PostgreSQL expressions over the stored search vectors (migrations 0005 and 0006).

Nothing here runs on SQLite: callers check ``full_text()`` first.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import BooleanField, Expression, F, Func, IntegerField, Value
from django.db.models.expressions import Col
from django.db.models.functions import Upper

CONFIG = "english"

# The searched fields and their weights. On PostgreSQL the vectors themselves are the
# stored columns of migration 0005 (keep its VECTORS in step); the SQLite fallback
# searches these fields. Weight A of organisations and products is their names.
VECTORS = {
    "controversy": (("title", "A"), ("summary", "B")),
    "event": (("title", "A"), ("summary", "B")),
    "source": (("title", "A"), ("publisher", "B"), ("excerpt", "B")),
    "organization": (("name", "A"), ("aliases", "A"), ("description", "B")),
    "product": (("name", "A"), ("aliases", "A"), ("description", "B")),
}


def full_text() -> bool:
    """Whether the database has the stored vectors (PostgreSQL) or the fallback runs."""
    return settings.IS_POSTGRES


def websearch(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


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


class NameVector(Func):
    """The weight-A part of the stored vector: for organisations and products, their
    name and aliases without the description."""

    function = "ts_filter"
    template = "%(function)s(%(expressions)s, '{a}'::\"char\"[])"
    output_field = SearchVectorField()

    def __init__(self) -> None:
        super().__init__(StoredVector())


class HasNoWords(Func):
    """True when the query holds no searchable word (only stop words such as "the"):
    such a term matches nothing, so it is not required. PostgreSQL folds this constant
    before planning, so it costs nothing per row."""

    template = "numnode(%(expressions)s) = 0"
    output_field = BooleanField()


class IdIn(Func):
    """The row's id is in an array of ids (an ``ArraySubquery``). PostgreSQL computes an
    uncorrelated array once, and can read ``id = ANY(array)`` through the primary key, so
    it can OR (BitmapOr) a few linked ids with the rows the GIN index finds, instead of
    testing every row against a hashed subquery."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, ids: Expression) -> None:
        super().__init__(F("pk"), ids)


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


class LinkedIds(Expression):
    """PostgreSQL: the ids of the controversies linked to what a term names, as an array
    (for ``IdIn``): its topics (by name), its products and the organisations it targets
    (by name or alias, the weight-A part of their vectors), and the events where such an
    organisation acted. Written as one SQL text rather than a dozen nested querysets:
    the ORM's resolving and copying of those took most of a many-word search's time
    (bench target ``search_20_terms p95 <= 150 ms``). The table names come from the
    models, so a renamed table stays in step."""

    output_field = ArrayField(IntegerField())

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query = query

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        from controversies.models import (
            Controversy,
            Event,
            EventActor,
            Organization,
            Product,
            Topic,
        )

        def named(model: type) -> str:
            return (
                f"SELECT id FROM {model._meta.db_table} WHERE search_vector @@ (TABLE q) "  # noqa: S608
                f"AND ts_filter(search_vector, '{{a}}'::\"char\"[]) @@ (TABLE q)"
            )

        links = {
            "topics": Controversy.topics.through._meta.db_table,
            "products": Controversy.products.through._meta.db_table,
            "companies": Controversy.companies.through._meta.db_table,
            "events": Event.controversies.through._meta.db_table,
        }
        sql = (
            # Table names from the models and the fixed CONFIG; the term is a parameter.
            f"ARRAY(WITH q AS (SELECT websearch_to_tsquery('{CONFIG}'::regconfig, %s)), "  # noqa: S608
            f"orgs AS ({named(Organization)}) "
            f"SELECT controversy_id FROM {links['topics']} WHERE topic_id IN ("
            f"SELECT id FROM {Topic._meta.db_table} "
            f"WHERE to_tsvector('{CONFIG}'::regconfig, COALESCE(name, '')) @@ (TABLE q)) "
            f"UNION SELECT controversy_id FROM {links['products']} "
            f"WHERE product_id IN ({named(Product)}) "
            f"UNION SELECT controversy_id FROM {links['companies']} "
            f"WHERE organization_id IN (TABLE orgs) "
            f"UNION SELECT controversy_id FROM {links['events']} WHERE event_id IN ("
            f"SELECT event_id FROM {EventActor._meta.db_table} "
            f"WHERE organization_id IN (TABLE orgs)))"
        )
        return sql, (self.query,)
