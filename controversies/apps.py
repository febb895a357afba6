from __future__ import annotations

from django.apps import AppConfig


class ControversiesConfig(AppConfig):
    name = "controversies"
    verbose_name = "Controversies"
