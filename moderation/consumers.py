"""The dashboard's live feed. Each moderator listens on their own group; every event is
re-checked against the database before it reaches the browser, and a moderator who has lost the
right is disconnected."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.urls import reverse

from supportgroups.permissions import has_required_mfa

from . import permissions
from .live import user_group
from .models import ReviewItem


@database_sync_to_async
def _allowed(user) -> bool:
    user.refresh_from_db()
    return has_required_mfa(user) and permissions.is_moderator(user)


@database_sync_to_async
def _visible(user, item_id: int) -> dict | None:
    user.refresh_from_db()
    item = ReviewItem.objects.filter(pk=item_id).first()
    if item is None or not permissions.can_view_item(user, item):
        return None
    return {
        "id": item.pk,
        "url": reverse("moderation:item", args=[item.pk]),
        "priority": str(item.priority_label),
        "state": str(item.get_state_display()),
        "crisis": item.crisis,
        "excerpt": item.excerpt[:120],
    }


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not await _allowed(user):
            await self.close()
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def moderation_event(self, event):
        user = self.scope["user"]
        if not await _allowed(user):
            await self.close()
            return
        item = await _visible(user, event["item_id"])
        if item is not None:
            await self.send_json({"type": event["kind"], "item": item})
