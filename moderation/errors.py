"""Why moderation refused to do something. Each is shown to the moderator as it is worded; none
changes anything."""

from django.core.exceptions import PermissionDenied


class ModerationError(Exception):
    """An action refused for a reason the facilitator should read (shown as a message)."""


class StaleVersion(ModerationError):
    """Someone changed the item after this person read it."""


class ClaimConflict(ModerationError):
    """Someone else holds the item, or this person does not."""


class ActionRefused(ModerationError, PermissionDenied):
    """Not this person's to do (the action table's rules); nothing was changed."""
