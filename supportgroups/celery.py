"""The Celery app. Tasks are thin wrappers that take ids and call a service (see DESIGN.md)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")

app = Celery("supportgroups")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
