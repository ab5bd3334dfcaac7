from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings and reminders: a part of groups/ with its own migrations."""

    name = "groups.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # groups must not import meetings, so the directory's "meets this week" filter asks
        # through a hook that meetings fills in.
        from groups.selectors import register_meets_this_week

        from .selectors import group_ids_meeting_between

        register_meets_this_week(group_ids_meeting_between)
