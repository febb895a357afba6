"""Pages of the subscribe flow. Views read the request, call alerts.subscriptions (or
alerts.privacy) and render; every refusal is a page with its own status, never a 500:
a malformed link or address 400, a record or subscription that is gone 404, an expired
link 410, too many sign-ups 429."""

from __future__ import annotations

import json
import logging
import smtplib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from alerts import privacy, signup, subscriptions, targets, tokens
from alerts.forms import BadTarget, FollowForm, FrequencyForm, RemoveForm, TargetGone, read_target
from alerts.models import Frequency, Subscription

log = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def problem(request: HttpRequest, status: int, title: str, message: str, **extra) -> HttpResponse:
    context = {"title": title, "message": message, **extra}
    return render(request, "alerts/problem.html", context, status=status)


def _refusals(view: View) -> View:
    """Turn the flow's exceptions into their pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except tokens.ExpiredToken:
            return problem(
                request,
                410,
                "This link has expired",
                "Links in our mails work for a limited time. Every mail we send carries a "
                "fresh one; to start again, follow the page once more.",
            )
        except (tokens.BadToken, BadTarget) as exc:
            detail = str(exc) if isinstance(exc, BadTarget) else ""
            return problem(
                request,
                400,
                "This link is not valid",
                "The address was cut short or changed on the way. Copy the whole link "
                "from the mail, or follow the page again.",
                detail=detail,
            )
        except TargetGone as exc:
            return problem(request, 404, "That page is gone", str(exc), problems=exc.problems)
        except subscriptions.SubscriptionGone:
            return problem(
                request,
                404,
                "Nothing to change",
                "That subscription or address is no longer stored: it was removed, or the "
                "request expired before it was confirmed.",
            )

    return wrapped


def _too_many(request: HttpRequest, refusal: signup.Refusal) -> HttpResponse:
    minutes = -(-refusal.retry_after // 60)
    context = {"refusal": refusal, "minutes": minutes}
    response = render(request, "alerts/too_many.html", context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@_refusals
def follow(request: HttpRequest) -> HttpResponse:
    target = read_target(request.GET)
    shown = target.as_subscription()
    context = {
        "target": target,
        "description": targets.describe(shown),
        "target_url": targets.target_url(shown),
        "action": _follow_path(target),
        "confirm_days": settings.ALERTS_CONFIRM_DAYS,
    }
    if request.method != "POST":
        context["form"] = FollowForm()
        return render(request, "alerts/follow.html", context)
    refusal = signup.check_client(request)
    if refusal:
        return _too_many(request, refusal)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(request, "alerts/follow.html", {**context, "form": form}, status=400)
    if form.is_bot:
        return render(request, "alerts/check_inbox.html", context)
    email = form.cleaned_data["email"]
    refusal = signup.check_address(email)
    if refusal:
        return _too_many(request, refusal)
    try:
        subscriptions.subscription_request(
            email=email, target=target, frequency=form.cleaned_data["frequency"]
        )
    except (smtplib.SMTPException, OSError):
        log.exception("confirmation mail not sent")
        return problem(
            request,
            503,
            "The mail could not be sent",
            "Our mail server did not accept the message just now. Nothing was sent; "
            "please try again in a few minutes.",
        )
    return render(request, "alerts/check_inbox.html", context)


def _follow_path(target) -> str:
    return reverse("alerts:follow") + "?" + urlencode(target.follow_params())


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@_refusals
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    asked = tokens.read_confirm(token)
    subscription = (
        Subscription.objects.select_related("subscriber").filter(pk=asked.subscription_id).first()
    )
    if subscription is None:
        raise subscriptions.SubscriptionGone
    if request.method != "POST":
        context = {
            "subscription": subscription,
            "description": targets.describe(subscription),
            "frequency": _label(asked.frequency),
        }
        return render(request, "alerts/confirm.html", context)
    subscription = subscriptions.subscription_confirm(asked)
    context = {
        "subscription": subscription,
        "description": targets.describe(subscription),
        "target_url": targets.target_url(subscription),
        "manage_url": tokens.manage_url(subscription.subscriber),
    }
    return render(request, "alerts/confirmed.html", context)


def _label(frequency: str) -> str:
    if frequency not in Frequency.values:
        raise tokens.BadToken("unknown frequency")
    return Frequency(frequency).label


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@_refusals
def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriptions.subscriber_for(*tokens.read_manage(token))
    if request.method == "POST":
        return _manage_action(request, token, subscriber)
    rows = subscriber.subscriptions.select_related(
        "controversy", "organization", "campaign", "coalition"
    )
    context = {
        "subscriber": subscriber,
        "rows": [(row, targets.describe(row), targets.target_url(row)) for row in rows],
        "frequencies": Frequency.choices,
        "token": token,
    }
    return render(request, "alerts/manage.html", context)


def _manage_action(request: HttpRequest, token: str, subscriber) -> HttpResponse:
    action = request.POST.get("action")
    if action == "remove-all":
        removed = subscriptions.subscriber_remove_all(subscriber)
        return _unsubscribed(request, removed, every=True)
    if action == "frequency":
        form = FrequencyForm(request.POST)
        if not form.is_valid():
            raise tokens.BadToken("bad frequency form")
        subscriptions.subscription_set_frequency(
            subscriber=subscriber,
            subscription_id=form.cleaned_data["subscription"],
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(request, "How often you hear from us was changed.")
    elif action == "remove":
        form = RemoveForm(request.POST)
        if not form.is_valid():
            raise tokens.BadToken("bad remove form")
        removed = subscriptions.subscription_remove(
            subscription_id=form.cleaned_data["subscription"], subscriber=subscriber
        )
        if not removed:
            raise subscriptions.SubscriptionGone
        messages.success(request, "That subscription was removed.")
    else:
        raise tokens.BadToken("unknown action")
    return redirect("alerts:manage", token)


@require_safe
@never_cache
@_refusals
def download(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriptions.subscriber_for(*tokens.read_manage(token))
    body = json.dumps(privacy.stored_data(subscriber), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alerts-data.json"'
    response["Cache-Control"] = "no-store"
    return response


def _unsubscribed(request: HttpRequest, removed: int, *, every: bool) -> HttpResponse:
    context = {"removed": removed, "all": every, "retention_days": settings.ALERTS_RETENTION_DAYS}
    return render(request, "alerts/unsubscribed.html", context)


# RFC 8058: a mail client's one-click POST carries no CSRF token and no cookie; the
# signed token in the address is what authorises it. Only these two views are exempt.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@_refusals
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription_id = tokens.read_unsubscribe(token)
    if request.method == "POST":
        removed = subscriptions.subscription_remove(subscription_id=subscription_id)
        return _unsubscribed(request, int(removed), every=False)
    subscription = (
        Subscription.objects.select_related("subscriber").filter(pk=subscription_id).first()
    )
    if subscription is None:
        raise subscriptions.SubscriptionGone
    context = {"subscription": subscription, "description": targets.describe(subscription)}
    return render(request, "alerts/unsubscribe.html", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@_refusals
def unsubscribe_all(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriptions.subscriber_for(*tokens.read_unsubscribe_all(token))
    if request.method == "POST":
        removed = subscriptions.subscriber_remove_all(subscriber)
        return _unsubscribed(request, removed, every=True)
    return render(request, "alerts/unsubscribe.html", {"subscriber": subscriber, "all": True})
