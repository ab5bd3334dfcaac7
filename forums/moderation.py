"""How moderation reads and changes posts (see moderation/adapters.py): through the forums'
own services, which keep thread counts, search and notifications right."""

from moderation.adapters import ModerationAdapter, register
from supportgroups.models import User

from . import permissions, selectors, services
from .models import Post


@register
class PostModeration(ModerationAdapter[Post]):
    model = Post
    hideable = restorable = editable = True

    @property
    def author(self) -> User | None:
        return self.obj.author

    def text_for_screening(self) -> str:
        post = self.obj
        parts = [post.thread.title] if post.is_opening else []
        return "\n".join([*parts, post.content_warning, post.body]).strip()

    def excerpt(self) -> str:
        return self.obj.excerpt()

    def group_id(self) -> int | None:
        return self.obj.thread.board.group_id

    def url(self) -> str:
        return self.obj.get_absolute_url()

    def context(self) -> str:
        """A removed post's words for its moderators: the public copy is blank by then."""
        kept = selectors.removal_copy(self.obj)
        return kept.body if kept else ""

    def can_report(self, user: User) -> bool:
        return permissions.can_report_post(user, self.obj)

    def hide(self, *, reason: str) -> None:
        services.hide_post(post=self.obj, reason=reason)

    def remove(self, *, reason: str) -> None:
        services.remove_by_moderators(post=self.obj, reason=reason)

    def restore(self) -> None:
        """Shown again; a held post is published now (counted, and its followers told)."""
        services.publish(post=self.obj)

    def edit(self, *, text: str) -> None:
        post = self.obj
        services.edit_post(
            post=post, body=text, content_warning=post.content_warning, screen_it=False
        )
