"""Writes for moderation. screen() is the entry point forums and chat call on every write."""

from dataclasses import dataclass

from .interfaces import Moderatable


@dataclass(frozen=True)
class ScreenResult:
    """What the writer's side must do after screening.

    held: do not publish yet (pre-moderation); tell the writer it is waiting for a facilitator.
    crisis: show the writer, privately and at once, the caring message with crisis lines.
    """

    held: bool = False
    crisis: bool = False


def screen(content: Moderatable) -> ScreenResult:
    """Screen newly created or edited content. Accepts everything until the moderation issue."""
    return ScreenResult()


def request_review(*, target, reason: str, note: str = "", by=None):
    """Put any model instance in the facilitators' queue. Implemented by the moderation issue."""
    return None
