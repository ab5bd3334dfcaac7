"""Live events for the dashboard: one channel-layer group per moderator, sent through
supportgroups.live after commit.

Every event carries only the item id; the consumer re-reads the item and re-checks permission
before telling the browser anything (see consumers.py).
"""

from collections.abc import Iterable

from django.db import transaction

from supportgroups import live

from . import permissions
from .models import ReviewItem


def user_group(user_id: int) -> str:
    return f"moderation.user.{user_id}"


def item_event(item_id: int, kind: str) -> dict[str, object]:
    return {"type": "moderation.event", "item_id": item_id, "kind": kind}


def tell_moderators(*, user_ids: Iterable[int], item_id: int, kind: str) -> None:
    """Best effort, now: the write has committed and the dashboard shows it on the next load,
    so a channel-layer outage is logged rather than turned into an error for the writer."""
    for user_id in user_ids:
        live.send(user_group(user_id), item_event(item_id, kind))


def item_changed(item: ReviewItem, *, kind: str) -> None:
    """Tell every moderator of the item, once the transaction has committed (who they are is
    read then, outside the writer's transaction). Crisis alerts are pushed by the alert task
    instead, to the on-duty people."""
    if kind == "crisis":
        return

    def tell() -> None:
        people = permissions.item_moderators(item)
        tell_moderators(user_ids=[u.pk for u in people], item_id=item.pk, kind=kind)

    transaction.on_commit(tell, robust=True)
