"""Public addresses of the alerts app: follow, confirm, manage, unsubscribe."""

from __future__ import annotations

from django.urls import path, register_converter

from alerts import bounces, views


class SignedToken:
    """A django.core.signing token: URL-safe base64 parts joined by colons (a leading dot
    when compressed). Anything else in that place matches no route (404); a token of the
    right shape that fails its signature is the view's 400."""

    regex = r"[A-Za-z0-9_.:\-]{1,400}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SignedToken, "signed")

app_name = "alerts"
urlpatterns = [
    path("follow/", views.follow, name="follow"),
    path("confirm/<signed:token>/", views.confirm, name="confirm"),
    path("manage/<signed:token>/", views.manage, name="manage"),
    path("manage/<signed:token>/data.json", views.download, name="download"),
    path("unsubscribe/<signed:token>/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribe-all/<signed:token>/", views.unsubscribe_all, name="unsubscribe_all"),
    path("bounces/", bounces.bounce_report, name="bounces"),
]
