"""Celery application: settings come from Django settings under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery

from config.logs import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Workers and beat log through settings.LOGGING (JSON with the task id in production).
connect_celery_signals()
