from django.apps import AppConfig


class MentoringConfig(AppConfig):
    """One-to-one peer mentoring: a part of groups/ with its own migrations."""

    name = "groups.mentoring"
    label = "mentoring"
    verbose_name = "Peer mentoring"
