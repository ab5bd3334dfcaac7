"""What moderation needs from anything that can be reported or flagged.

moderation imports nothing from forums or groups. A content model (a forum post, a chat
message, a profile) takes part by providing these members; moderation refers to it through a
GenericForeignKey on its queue item.
"""

from typing import Protocol, runtime_checkable


@runtime_checkable
class Moderatable(Protocol):
    pk: int

    @property
    def author(self):
        """The user who wrote it (None once an account is deleted)."""

    def text_for_screening(self) -> str:
        """The words the crisis and spam screens read (title and body)."""

    def excerpt(self) -> str:
        """A short plain-text extract for the queue."""

    def moderation_group_id(self) -> int | None:
        """The support group whose facilitators moderate it; None for public places."""

    def hide(self, *, reason: str) -> None:
        """Stop showing it to members (kept for the moderation record)."""

    def restore(self) -> None:
        """Show it again."""

    def get_absolute_url(self) -> str: ...
