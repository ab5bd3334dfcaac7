"""A group's language changed: its board's posts are indexed again in it (a Celery task, after
the change commits). A signal because groups sits below forums and may not call it.

An email address saved or deleted (allauth's flows, the admin): whether its person may write on
the public boards is worked out again (permissions.has_verified_email)."""

from allauth.account.models import EmailAddress
from django.db import transaction

from groups.models import SupportGroup
from supportgroups import live

from .indexing import board_search_config
from .models import Board, Post


def group_saved(sender, instance: SupportGroup, update_fields=None, **kwargs) -> None:
    if update_fields is not None and "language" not in update_fields:
        return
    from .tasks import reindex_board  # here: the tasks module pulls in most of the app

    board = Board.objects.filter(group=instance).first()
    if board is None:
        return
    board.group = instance
    stale = Post.objects.filter(thread__board=board, search_vector__isnull=False).exclude(
        search_config=board_search_config(board)
    )
    if stale.exists():
        transaction.on_commit(lambda: reindex_board.delay(board.pk))


def email_address_changed(sender, instance: EmailAddress, **kwargs) -> None:
    live.access_changed(instance.user_id)
