from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    """Distress check-ins: a part of groups/ with its own migrations."""

    name = "groups.checkins"
    label = "checkins"
    verbose_name = "Distress check-ins"
