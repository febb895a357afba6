"""Public addresses of the alerts app: follow, confirm, manage, unsubscribe."""

from __future__ import annotations

app_name = "alerts"
urlpatterns: list = []
