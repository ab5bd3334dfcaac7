from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings and reminders: a part of groups/ with its own migrations."""

    name = "groups.meetings"
    label = "meetings"
    verbose_name = "Meetings"
