"""Forms behind the admin's ingestion actions."""

from __future__ import annotations

from django import forms

from controversies.canonical import InvalidURL, canonicalize_url
from controversies.dates import Precision, precision_error
from controversies.models import Controversy, Event, EventActor, Organization
from ingestion.models import Article


class SubmitURLForm(forms.Form):
    url = forms.URLField(
        label="Article URL", max_length=2000, assume_scheme="https", widget=forms.URLInput
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            canonicalize_url(url)
        except InvalidURL as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Event) -> str:
        on = "; ".join(c.title for c in obj.controversies.all())
        return f"{on} — {obj.display_date}: {obj.title}"


def _quote_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text="The passage of the article that supports the event (optional). "
        "Offered: the first sentence naming what the article matched.",
    )


class ProposedActorsForm(forms.Form):
    """The organisations an article matched, proposed as the event's actors: each one
    ticked, in the role "Acted"; the curator unticks one or changes its role. Only the
    proposed organisations have fields, so a submitted id of any other one is ignored."""

    prefix = "actors"

    def __init__(self, *args, organizations: list[Organization], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = organizations
        for organization in organizations:
            self.fields[f"keep_{organization.pk}"] = forms.BooleanField(
                required=False, initial=True, label=organization.name
            )
            self.fields[f"role_{organization.pk}"] = forms.ChoiceField(
                required=False,
                choices=EventActor.Role.choices,
                initial=EventActor.Role.ACTOR,
                label=f"Role of {organization.name}",
            )

    def rows(self) -> list[tuple[Organization, forms.BoundField, forms.BoundField]]:
        return [
            (organization, self[f"keep_{organization.pk}"], self[f"role_{organization.pk}"])
            for organization in self.organizations
        ]

    def confirmed(self) -> list[tuple[Organization, str]]:
        """(organisation, role) for each ticked row of a valid form."""
        data = self.cleaned_data
        return [
            (organization, data[f"role_{organization.pk}"] or EventActor.Role.ACTOR)
            for organization in self.organizations
            if data[f"keep_{organization.pk}"]
        ]


class AcceptExistingEventForm(forms.Form):
    event = EventChoiceField(queryset=Event.objects.none())
    quote = _quote_field()

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        suggested = list(article.suggestions.values_list("controversy_id", flat=True))
        events = Event.objects.with_controversies().order_by("-occurred_on", "-id")
        if suggested:
            events = events.on(suggested)
        self.fields["event"].queryset = events


class AcceptNewEventForm(forms.Form):
    controversy = forms.ModelChoiceField(queryset=Controversy.objects.order_by("title"))
    occurred_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    precision = forms.ChoiceField(choices=Precision.choices, initial=Precision.DAY)
    kind = forms.ChoiceField(choices=Event.Kind.choices, initial=Event.Kind.REPORT)
    title = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"class": "vTextField"}))
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
        help_text="In your own words.",
    )
    quote = _quote_field()

    @classmethod
    def initial_for(cls, article: Article, *, quote: str = "") -> dict:
        top = article.suggestions.order_by("-score").first()
        return {
            "controversy": top.controversy_id if top else None,
            "occurred_on": article.best_date,
            "title": article.display_title[:300],
            "quote": quote,
        }

    def clean(self) -> dict:
        data = super().clean()
        date, precision = data.get("occurred_on"), data.get("precision")
        if date and precision:
            error = precision_error(date, precision)
            if error:
                self.add_error("occurred_on", error)
        return data


class MarkDuplicateForm(forms.Form):
    original = forms.IntegerField(
        label="Original article id",
        required=False,
        min_value=1,
        help_text="The article this one copies (optional).",
    )

    def clean_original(self) -> Article | None:
        pk = self.cleaned_data.get("original")
        if pk is None:
            return None
        original = Article.objects.filter(pk=pk).first()
        if original is None:
            raise forms.ValidationError(f"There is no article #{pk}.")
        return original
