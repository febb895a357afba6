"""The review queue's admin actions: accept an article as a source of an existing event or
as a new event, reject it, or mark it a duplicate.

Each action stays thin: it shows a form page (one article at a time), then calls one
decision of ``ingestion.review``, whose refusals (``ReviewError``) become error messages.
Every action needs the change permission on the review queue.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html

from ingestion import review
from ingestion.forms import (
    AcceptExistingEventForm,
    AcceptNewEventForm,
    MarkDuplicateForm,
    ProposedActorsForm,
)
from ingestion.models import ReviewItem


def _one(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> ReviewItem | None:
    if queryset.count() != 1:
        modeladmin.message_user(request, "Select exactly one article.", messages.WARNING)
        return None
    return queryset.get()


def _form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    action: str,
    title: str,
    item: ReviewItem,
    form: Form,
    actors_form: ProposedActorsForm | None = None,
) -> TemplateResponse:
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "action": action,
        "item": item,
        "form": form,
        "actors_form": actors_form,
        "selected": [item.pk],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/ingestion/review_action.html", context)


def _apply(
    modeladmin: admin.ModelAdmin, request: HttpRequest, decision: Callable, **kwargs: object
) -> bool:
    try:
        decision(user=request.user, **kwargs)
    except review.ReviewError as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return False
    return True


@admin.action(description="Accept as a source of an existing event", permissions=["change"])
def accept_existing_event(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> TemplateResponse | None:
    item = _one(modeladmin, request, queryset)
    if item is None:
        return None
    data = request.POST if "apply" in request.POST else None
    proposals = review.review_proposals(article=item)
    form = AcceptExistingEventForm(data, article=item, initial={"quote": proposals.quote})
    actors_form = ProposedActorsForm(data, organizations=proposals.organizations)
    # Both forms are checked (each shows its errors) before anything is written.
    if data is not None and form.is_valid() & actors_form.is_valid():
        event = form.cleaned_data["event"]
        if _apply(
            modeladmin,
            request,
            review.review_accept_existing_event,
            article=item,
            event=event,
            quote=form.cleaned_data["quote"],
            actors=actors_form.confirmed(),
        ):
            modeladmin.message_user(request, f"Cited on “{event.title}”.", messages.SUCCESS)
        return None
    return _form_page(
        modeladmin,
        request,
        action="accept_existing_event",
        title="Accept as a source of an existing event",
        item=item,
        form=form,
        actors_form=actors_form,
    )


def _add_new_event(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    item: ReviewItem,
    data: dict,
    actors_form: ProposedActorsForm,
) -> None:
    if _apply(
        modeladmin,
        request,
        review.review_accept_new_event,
        article=item,
        controversy=data["controversy"],
        occurred_on=data["occurred_on"],
        precision=data["precision"],
        kind=data["kind"],
        title=data["title"],
        summary=data["summary"],
        actors=actors_form.confirmed(),
        quote=data["quote"],
    ):
        modeladmin.message_user(
            request,
            format_html(
                'Added “{}” to <a href="{}">{}</a>.',
                data["title"],
                data["controversy"].get_absolute_url(),
                data["controversy"].title,
            ),
            messages.SUCCESS,
        )


@admin.action(description="Accept as a new event on a controversy", permissions=["change"])
def accept_new_event(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> TemplateResponse | None:
    item = _one(modeladmin, request, queryset)
    if item is None:
        return None
    proposals = review.review_proposals(article=item)
    if "apply" in request.POST:
        form = AcceptNewEventForm(request.POST)
        actors_form = ProposedActorsForm(request.POST, organizations=proposals.organizations)
        # Both forms are checked (each shows its errors) before anything is written.
        if form.is_valid() & actors_form.is_valid():
            _add_new_event(modeladmin, request, item, form.cleaned_data, actors_form)
            return None
    else:
        form = AcceptNewEventForm(
            initial=AcceptNewEventForm.initial_for(item, quote=proposals.quote)
        )
        actors_form = ProposedActorsForm(organizations=proposals.organizations)
    return _form_page(
        modeladmin,
        request,
        action="accept_new_event",
        title="Accept as a new event",
        item=item,
        form=form,
        actors_form=actors_form,
    )


@admin.action(description="Reject", permissions=["change"])
def reject(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    done = sum(_apply(modeladmin, request, review.review_reject, article=item) for item in queryset)
    modeladmin.message_user(request, f"Rejected {done} article(s).", messages.SUCCESS)


@admin.action(description="Mark as duplicate", permissions=["change"])
def mark_duplicate(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> TemplateResponse | None:
    item = _one(modeladmin, request, queryset)
    if item is None:
        return None
    data = request.POST if "apply" in request.POST else None
    form = MarkDuplicateForm(data)
    if data is not None and form.is_valid():
        if _apply(
            modeladmin,
            request,
            review.review_mark_duplicate,
            article=item,
            original=form.cleaned_data["original"],
        ):
            modeladmin.message_user(request, "Marked as a duplicate.", messages.SUCCESS)
        return None
    return _form_page(
        modeladmin,
        request,
        action="mark_duplicate",
        title="Mark as duplicate",
        item=item,
        form=form,
    )
