"""Login throttling glue: the client address behind proxies, and the axes backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, trusting only the proxies the operator declared.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so with TRUSTED_PROXY_COUNT=N the client is the N-th entry from the
    right; entries further left were written by the client and can be forged. With no
    trusted proxy the header is ignored entirely.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote_addr = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote_addr
    return forwarded[-count]


class RequestAxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check, applied to logins that come with a request.

    authenticate() without a request (management commands, the test client's login())
    is not a web login attempt, so there is nothing to throttle; axes' own backend would
    raise instead.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
