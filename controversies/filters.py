"""ControversyFilter: the one definition of "which controversies" shared by the list page,
feeds, exports and the API.

Usage::

    filterset = ControversyFilter(request.GET, queryset=Controversy.objects.all())
    controversies = filterset.qs           # filtered; bad values are simply left out
    filterset.notices                      # ["Unknown company “acme” ignored.", ...]
    filterset.active                       # {"company": "amazon", ...} (valid values only)

Parameters (all optional, all combinable; every one narrows the set):

=============  ==============================================================================
``company``    a target company (``?company=amazon``, ``?company=Amazon.com``)
``product``    a product (``?product=rekognition``)
``organisation`` any organisation that acted in one of the controversy's events,
               organised one of its campaigns, or belongs to a coalition that signed one of
               its events or organised one of its campaigns (``?organisation=ACLU``);
               ``organization`` is the same parameter spelt the American way
``coalition``  a coalition that signed an event or organised a campaign
``topic``      a topic
``status``     ``ongoing`` / ``resolved`` / ``dormant``
``year_from``  first year with at least one event (inclusive, 1900-2100)
``year_to``    last year (inclusive); a reversed range is swapped
``q``          words, all of which must be found (title, summary, topics, products, names and
               aliases of the companies and actors): the site search's rule; 200 characters
=============  ==============================================================================

Company, product, organisation, coalition and topic take a slug, a name or an alias, in
any case; ``controversies.filter_lookup`` states the rule (an exact slug wins; otherwise
every record whose slug, name or alias matches is a candidate, and more than one is
ambiguous: never guessed). A value is known when its record exists: an organisation that
is never a target company gives an empty result for ``?company=``, not an error.

Unknown, ambiguous and malformed values never raise here: the field is dropped from the
filter, ``problems`` describes each (the feeds, exports and API refuse the request with
them, see ``opendata.filters``) and ``notices`` words them for the page, which shows the
candidates of an ambiguous value (``ambiguities``) as links to choose from.

``organisation`` and ``organization`` are one filter: the form, ``active`` and every
link built from it keep the spelling the request used (``organisation`` by default).
Both spellings at once with different values is refused as a conflict.

``company``, ``product`` and ``organisation`` have thousands of values at scale, so the form
shows them as text boxes (``EntityField``, in ``controversies.filter_fields``) with a
``<datalist>`` of the most involved values as suggestions, rather than as ``<select>``s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.related_descriptors import ManyToManyDescriptor

from controversies import facets, filter_problems
from controversies.filter_fields import SUGGESTIONS, EntityFilter, FilterSelect
from controversies.filter_lookup import Lookup
from controversies.filter_problems import Problem
from controversies.models import (
    Campaign,
    Coalition,
    Controversy,
    Event,
    Organization,
    Product,
    Topic,
)

Q_MAX_LENGTH = 200
MIN_YEAR, MAX_YEAR = 1900, 2100

LABELS = {
    "company": "company",
    "product": "product",
    "organisation": "organisation",
    "organization": "organisation",
    "coalition": "coalition",
    "topic": "topic",
    "status": "status",
    "year_from": "start year",
    "year_to": "end year",
    "q": "search text",
}


def _controversies_of(relation: ManyToManyDescriptor, slug: str) -> QuerySet:
    """Ids of the controversies linked through ``relation`` to the row with ``slug``.

    The row's id is looked up first (one indexed query) and given to the database as a
    constant, so the planner estimates the row's controversies from its statistics (a
    big company has thousands); a join on the slug would hide the row from them. Serves
    bench target ``list_3_filters p95 <= 100 ms at large``.
    """
    model = relation.rel.model  # Organization or Product
    ids = list(model.objects.filter(slug=slug).values_list("pk", flat=True))
    target = model._meta.model_name
    return relation.through.objects.filter(**{f"{target}_id__in": ids}).values("controversy_id")


def _campaign_controversies(**lookups: object) -> QuerySet:
    return Campaign.controversies.through.objects.filter(**lookups).values("controversy_id")


def _event_controversies(**lookups: object) -> QuerySet:
    """Ids of controversies with an event matching ``lookups`` (on the event)."""
    links = Event.controversies.through.objects.filter(
        **{f"event__{k}": v for k, v in lookups.items()}
    )
    return links.values("controversy_id")


def _known(facet: str) -> Callable[[], dict[str, str]]:
    return lambda: facets.labels(facet)


# filter name -> (its facet, how its value is looked up)
LOOKUPS = {
    "company": ("company", Lookup(Organization, aliases=True, known=_known("company"))),
    "product": ("product", Lookup(Product, aliases=True, known=_known("product"))),
    "organisation": (
        "organisation",
        Lookup(Organization, aliases=True, known=_known("organisation")),
    ),
    "coalition": ("coalition", Lookup(Coalition, known=_known("coalition"))),
    "topic": ("topic", Lookup(Topic, known=_known("topic"))),
}
LOOKUPS["organization"] = LOOKUPS["organisation"]

SPELLINGS = ("organisation", "organization")


def _given(data: object, name: str) -> str:
    return str(data.get(name) or "").strip() if data is not None else ""


def organization_spelling(data: object) -> str:
    """The name the request gives the organisation filter: ``organization`` when only
    that spelling carries a value, else ``organisation``."""
    if _given(data, "organization") and not _given(data, "organisation"):
        return "organization"
    return "organisation"


class FilterForm(forms.Form):
    """Refuses the organisation filter given twice, once in each spelling, with two
    different values (the same value twice is simply that value)."""

    def clean(self) -> dict:
        cleaned = super().clean()
        given = {name: _given(self.data, name) for name in SPELLINGS}
        if all(given.values()) and len({value.casefold() for value in given.values()}) > 1:
            name = next(name for name in SPELLINGS if name in self.fields)
            if name not in self.errors:
                self.add_error(
                    name,
                    ValidationError(
                        "Give one organisation, as organisation or as organization.",
                        code="conflict",
                    ),
                )
        return cleaned


class ControversyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    company = EntityFilter(label="Company", method="filter_company", empty_label="Any company")
    product = EntityFilter(label="Product", method="filter_product", empty_label="Any product")
    organisation = EntityFilter(
        label="Organisation", method="filter_organization", empty_label="Any organisation"
    )
    # The same filter spelt the American way; each instance keeps one of the two.
    organization = EntityFilter(
        label="Organisation", method="filter_organization", empty_label="Any organisation"
    )
    coalition = EntityFilter(
        label="Coalition", method="filter_coalition", empty_label="Any coalition"
    )
    topic = EntityFilter(label="Topic", field_name="topics__slug", empty_label="Any topic")
    status = django_filters.ChoiceFilter(
        label="Status", choices=Controversy.Status.choices, empty_label="Any status"
    )
    year_from = django_filters.NumberFilter(
        label="From year", method="filter_years", min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    year_to = django_filters.NumberFilter(
        label="To year", method="filter_years", min_value=MIN_YEAR, max_value=MAX_YEAR
    )

    # Whether the form is drawn (the page) or only validates (feeds, exports, API): only
    # a drawn form needs the suggestions and the topic options.
    shows_form = True

    class Meta:
        model = Controversy
        fields: list[str] = []
        form = FilterForm

    def __init__(self, data: object = None, *args: object, **kwargs: object) -> None:
        self.text_was_cut = data is not None and len(data.get("q", "")) > Q_MAX_LENGTH
        if self.text_was_cut:
            data = data.copy()
            data["q"] = data["q"][:Q_MAX_LENGTH]
        super().__init__(data, *args, **kwargs)
        self.organization_param = organization_spelling(data)
        del self.filters[SPELLINGS[1 - SPELLINGS.index(self.organization_param)]]
        choices = facets.all_choices() if self.shows_form else {}
        for name, (facet, lookup) in LOOKUPS.items():
            if name in self.filters:
                self.filters[name].extra["lookup"] = lookup
                self.filters[name].extra["choices"] = choices.get(facet, ())[:SUGGESTIONS]
        topics = choices.get("topic", ())
        self.filters["topic"].extra["widget"] = FilterSelect(choices=[("", "Any topic"), *topics])
        self.filters["status"].extra["widget"] = FilterSelect
        self.filters["year_from"].extra["widget"] = forms.NumberInput(
            attrs={"min": MIN_YEAR, "max": MAX_YEAR, "inputmode": "numeric"}
        )
        self.filters["year_to"].extra["widget"] = forms.NumberInput(
            attrs={"min": MIN_YEAR, "max": MAX_YEAR, "inputmode": "numeric"}
        )
        self.filters["q"].extra["widget"] = forms.TextInput(
            attrs={"type": "search", "maxlength": Q_MAX_LENGTH}
        )
        self._years_applied = False

    # --- filter methods ----------------------------------------------------------------

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The site search's rule, so this box and /search/ find the same controversies:
        # every word, each in the title, summary, topics, products or organisations.
        from controversies.search.matching import controversy_condition
        from controversies.search.query import clean_query, parse_query

        parsed = parse_query(clean_query(value)[0])
        if not parsed.terms:
            return queryset
        return queryset.filter(controversy_condition(parsed))

    def filter_company(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=_controversies_of(Controversy.companies, value))

    def filter_product(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=_controversies_of(Controversy.products, value))

    def filter_organization(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        member = "memberships__organization__slug"
        return queryset.filter(
            Q(pk__in=_event_controversies(event_actors__organization__slug=value))
            | Q(pk__in=_campaign_controversies(campaign__organisers__slug=value))
            | Q(pk__in=_event_controversies(**{f"coalitions__{member}": value}))
            | Q(
                pk__in=_campaign_controversies(
                    **{f"campaign__organising_coalition__{member}": value}
                )
            )
        )

    def filter_coalition(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(pk__in=_event_controversies(coalitions__slug=value))
            | Q(pk__in=_campaign_controversies(campaign__organising_coalition__slug=value))
        )

    def filter_years(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        # Both ends are applied together, once, so a reversed range can be swapped.
        if self._years_applied:
            return queryset
        self._years_applied = True
        first = self.form.cleaned_data.get("year_from")
        last = self.form.cleaned_data.get("year_to")
        if first is not None and last is not None and first > last:
            first, last = last, first
        dated = Q()
        if first is not None:
            dated &= Q(occurred_on__gte=dt.date(int(first), 1, 1))
        if last is not None:
            dated &= Q(occurred_on__lte=dt.date(int(last), 12, 31))
        dated_events = Event.objects.filter(dated, controversies=OuterRef("pk"))
        return queryset.filter(Exists(dated_events))

    # --- what the page shows -----------------------------------------------------------

    @property
    def active(self) -> dict[str, str]:
        """The valid, non-empty parameters in force, as strings (for links and cache keys)."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 - validates the form so cleaned_data exists
        active = {}
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            if name.startswith("year_"):
                value = int(value)
            active[name] = str(value).strip()
        return {k: v for k, v in active.items() if v}

    @property
    def problems(self) -> list[Problem]:
        """Each parameter that did not validate and why (``controversies.filter_problems``)."""
        return filter_problems.problems(self)

    @property
    def ambiguities(self) -> list[Problem]:
        """The values that name several records: the page lists the candidates to choose."""
        return [problem for problem in self.problems if problem.kind == "ambiguous"]

    @property
    def notices(self) -> list[str]:
        """One short message per ignored parameter (an ambiguous value is shown with its
        candidates instead, from ``ambiguities``)."""
        messages = []
        for problem in self.problems:
            label = LABELS.get(problem.param, problem.param)
            raw = problem.value
            if problem.kind == "ambiguous":
                continue
            if problem.kind == "conflict":
                messages.append(
                    f"Ignored the organisation “{raw}”: the address gives two different "
                    "organisations (organisation and organization). Pick one."
                )
            elif problem.kind == "unknown":
                messages.append(
                    f"Ignored the unknown {label} “{raw}”. Check the spelling, or pick one "
                    "from the suggestions."
                )
            elif problem.param == "q":
                messages.append(
                    "Ignored the search text: it contains characters that cannot be searched."
                )
            elif problem.param.startswith("year_"):
                messages.append(
                    f"Ignored the {label} “{raw}”: give a year between {MIN_YEAR} and {MAX_YEAR}."
                )
            else:
                messages.append(f"Ignored the unknown {label} “{raw}”.")
        if self.text_was_cut:
            messages.append(f"The search text was cut to {Q_MAX_LENGTH} characters.")
        return messages

    def label_for(self, name: str, value: str) -> str:
        """Human label of an active value ("amazon" -> "Amazon") for the chips."""
        field = self.form.fields.get(name)
        resolved = getattr(field, "resolved", None)
        if resolved is not None and resolved.slug == value and resolved.name:
            return resolved.name
        choices = dict(self.filters[name].extra.get("choices") or [])
        return str(choices.get(value, value))
