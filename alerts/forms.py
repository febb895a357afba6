"""The follow form and the reading of what it follows.

``/alerts/follow/`` names its target with exactly one parameter: ``controversy``,
``company``, ``actor``, ``campaign`` or ``coalition`` (a slug), or ``filter`` (the list
page's applied filters as one query string, ``company=amazon&topic=policing``; empty
follows every controversy). A filter is checked with ``ControversyFilter`` exactly as the
feeds check it, and stored as its cleaned values, sorted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.db.models import Model
from django.http import QueryDict
from django.utils.http import urlencode

from alerts.models import Frequency, Subscription
from controversies.filters import ControversyFilter
from controversies.models import Campaign, Coalition, Controversy, Organization

Kind = Subscription.Kind

# Parameter -> (kind, model) for the targets named by a slug.
SLUG_TARGETS: dict[str, tuple[str, type[Model]]] = {
    "controversy": (Kind.CONTROVERSY, Controversy),
    "company": (Kind.COMPANY, Organization),
    "actor": (Kind.ACTOR, Organization),
    "campaign": (Kind.CAMPAIGN, Campaign),
    "coalition": (Kind.COALITION, Coalition),
}
MAX_QUERY = 1000


class BadTarget(Exception):
    """The follow link is malformed (400)."""


class TargetGone(Exception):
    """The follow link names a record or filter value the site no longer has (404)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Target:
    """What a subscription follows: a kind with its record, or a filter's query."""

    kind: str
    record: Model | None = None
    query: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def lookup(self) -> dict[str, object]:
        """The fields naming this target on a ``Subscription``."""
        if self.kind == Kind.FILTER:
            return {"kind": self.kind, "query": self.query}
        return {"kind": self.kind, Subscription.TARGET_FIELD[self.kind]: self.record}

    def as_subscription(self) -> Subscription:
        """An unsaved subscription to this target, for naming it (alerts.targets)."""
        return Subscription(**self.lookup())

    def follow_params(self) -> dict[str, str]:
        """The follow page's own parameters for this target."""
        if self.kind == Kind.FILTER:
            return {"filter": self.query}
        name = next(p for p, (kind, _m) in SLUG_TARGETS.items() if kind == self.kind)
        return {name: self.record.slug}


def clean_filter_query(query: str) -> tuple[str, dict[str, str]]:
    """The sorted query string of a filter's cleaned values; raises ``BadTarget`` for
    parameters the filter does not have or malformed values, ``TargetGone`` for values
    naming nothing (an organisation merged away and not known by that name)."""
    if len(query) > MAX_QUERY or "\x00" in query:
        raise BadTarget("The filter is too long or malformed.")
    data = QueryDict(query)
    unknown = sorted(set(data) - set(ControversyFilter.base_filters))
    if unknown:
        raise BadTarget(f"Unknown filter parameter: {', '.join(unknown)}.")
    filterset = ControversyFilter(data)
    problems = filterset.problems
    if any(problem.kind != "unknown" for problem in problems):
        raise BadTarget(" ".join(problem.message for problem in problems))
    if problems:
        raise TargetGone(
            "That filter names something the tracker no longer has.",
            [problem.message for problem in problems],
        )
    active = filterset.active
    return urlencode(sorted(active.items())), active


def read_target(params: QueryDict) -> Target:
    """The target named by the follow page's parameters."""
    given = [name for name in [*SLUG_TARGETS, "filter"] if name in params]
    if len(given) != 1:
        raise BadTarget("A follow link names exactly one page to follow.")
    name = given[0]
    value = params.get(name, "")
    if name == "filter":
        query, active = clean_filter_query(value)
        return Target(Kind.FILTER, query=query, params=active)
    kind, model = SLUG_TARGETS[name]
    if not value or len(value) > 200 or "\x00" in value:
        raise BadTarget("The follow link does not name a page.")
    record = model.objects.filter(slug=value).first()
    if record is None:
        raise TargetGone(f"There is no {name} “{value}” any more.")
    return Target(kind, record=record)


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
    )
    # The honeypot: hidden from people (and from assistive technology) by the template;
    # a form that comes back with it filled was filled by a program.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class FrequencyForm(forms.Form):
    subscription = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    frequency = forms.ChoiceField(choices=Frequency.choices)


class RemoveForm(forms.Form):
    subscription = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
