from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    """Private conversations: a member and a group's facilitators (or the site moderators) as
    a team, and members with each other by consent. A part of groups/ with its own migrations."""

    name = "groups.conversations"
    label = "conversations"
    verbose_name = "Private conversations"
