"""moderation's own adapters (see adapters.py): appeals, which go through the queue like everything
else, a member's request to be contacted (the crisis path), and member profiles, which members
may report (a harassing display name, a spam account). The User model lives in supportgroups,
which knows nothing of moderation, so its adapter lives here."""

from django.utils.translation import gettext_lazy as _

from supportgroups.models import User

from .adapters import ModerationAdapter, register
from .models import Appeal, ContactRequest


@register
class AppealModeration(ModerationAdapter[Appeal]):
    """Never shown to members: nothing to hide, restore or edit (the base's flags)."""

    model = Appeal

    @property
    def author(self) -> User:
        return self.obj.appellant

    def text_for_screening(self) -> str:
        return self.obj.body

    def group_id(self) -> int | None:
        """The group the decision was in: a mute from a chat room is recorded on the member's
        profile item, which belongs to no group, so its detail names the group."""
        action = self.obj.action
        return action.detail.get("group_id") or action.decided_item.group_id

    def url(self) -> str:
        return self.obj.get_absolute_url()


@register
class ProfileModeration(ModerationAdapter[User]):
    """A profile is not content: only the sanctions on its owner apply."""

    model = User

    @property
    def author(self) -> User:
        return self.obj

    def text_for_screening(self) -> str:
        return self.obj.display_name

    def can_report(self, user: User) -> bool:
        return self.obj.is_active and self.obj.pk != user.pk


@register
class ContactRequestModeration(ModerationAdapter[ContactRequest]):
    """A member in crisis asking the on-duty facilitator to contact them. Not content: there
    is nothing to hide; closing the item says someone has reached them."""

    model = ContactRequest
    content_actions = False
    premoderated = False

    @property
    def author(self) -> User:
        return self.obj.member

    def text_for_screening(self) -> str:
        return ""

    def excerpt(self) -> str:
        return str(_("Asks the on-duty facilitator to contact them"))

    def group_id(self) -> int | None:
        return self.obj.group_id
