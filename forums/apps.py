from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Forums"

    def ready(self) -> None:
        from moderation.registry import register_reportable

        from . import permissions
        from .models import Post

        # Anyone who can see a post can report it (held posts: their writer and moderators).
        register_reportable(
            Post,
            can_report=lambda user, post: (
                permissions.can_read_board(user, post.thread.board)
                and permissions.can_see_post_body(
                    user, post, moderator=permissions.can_moderate_board(user, post.thread.board)
                )
            ),
        )
