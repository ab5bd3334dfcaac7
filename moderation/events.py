"""Live events for the dashboard: one channel-layer group per moderator, sent after commit.

Every event carries only the item id; the consumer re-reads the item and re-checks permission
before telling the browser anything (see consumers.py).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from . import permissions
from .models import ReviewItem

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"moderation.user.{user_id}"


def push(*, user_ids, item_id: int, kind: str) -> None:
    """Best effort: the write has committed and the dashboard shows it on the next load, so a
    channel layer hiccup is logged rather than turned into an error for the writer."""
    layer = get_channel_layer()
    try:
        for user_id in user_ids:
            async_to_sync(layer.group_send)(
                user_group(user_id), {"type": "moderation.event", "item_id": item_id, "kind": kind}
            )
    except Exception:
        logger.exception("Could not push moderation event for item %s", item_id)


def item_changed(item: ReviewItem, *, kind: str) -> None:
    """Tell every moderator of the item, once the transaction has committed. Crisis alerts are
    pushed by the alert task instead, to the on-duty people."""
    if kind == "crisis":
        return

    def send():
        push(user_ids=[u.pk for u in permissions.item_moderators(item)], item_id=item.pk, kind=kind)

    transaction.on_commit(send)
