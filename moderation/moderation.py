"""moderation's own adapters (see adapters.py): appeals, which go through the queue like
everything else, and member profiles, which members may report (a harassing display name, a
spam account). The User model lives in supportgroups, which knows nothing of moderation, so its
adapter lives here."""

from supportgroups.models import User

from .adapters import ModerationAdapter, register
from .models import Appeal


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
        return action.detail.get("group_id") or action.item.group_id

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
