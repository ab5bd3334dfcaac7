"""What moderation needs from anything that can be reported or flagged.

moderation imports nothing from forums or groups. A content model (a forum post, a chat
message, a profile) takes part by providing these members; moderation refers to it through a
GenericForeignKey on its queue item.

Optional members moderation uses when present (not part of the Protocol, so isinstance checks
stay true without them):
- moderation_context() -> str: the thread or chat around the item, shown on the item page
  (escaped, unless it is a SafeString such as render_to_string output); else excerpt().
- apply_moderator_edit(*, text: str) -> None: enables the "edit with a note" action.
- remove(*, reason: str) -> None: a final removal; without it "remove" calls hide(). It blanks
  the public copy and keeps the words where only moderators read them (moderation_context()).
- content_actions = False: for things that are not content (a profile): only sanctions apply.
- premoderated = False: never held for a new member's first posts in a pre-moderated group
  (private messages: holding them would have the group's facilitators read them first).

Held content (ScreenResult.held) is published by restore() when a facilitator approves it.
Models that cannot implement this themselves (the User profile) register an adapter with
moderation.registry.register_reportable().
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
