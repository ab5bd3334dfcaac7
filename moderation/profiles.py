"""Member profiles as something members can report (harassing display names, spam accounts).

The User model lives in supportgroups and knows nothing of moderation, so an adapter gives it
the Moderatable shape. A profile is not content: it cannot be hidden or edited, only the
sanctions on its owner apply (content_actions = False).
"""


class ProfileTarget:
    content_actions = False

    def __init__(self, user):
        self.user = user
        self.pk = user.pk

    @property
    def author(self):
        return self.user

    def text_for_screening(self) -> str:
        return self.user.display_name

    def excerpt(self) -> str:
        return str(self.user.display_name)

    def moderation_group_id(self) -> int | None:
        return None

    def hide(self, *, reason: str) -> None:
        raise NotImplementedError("A profile cannot be hidden; sanction its owner instead.")

    def restore(self) -> None:
        raise NotImplementedError("A profile cannot be hidden; sanction its owner instead.")

    def get_absolute_url(self) -> str:
        """Members have no public profile page yet; the queue shows the name instead."""
        return ""


def can_report_profile(user, profile) -> bool:
    return profile.is_active and profile.pk != user.pk
