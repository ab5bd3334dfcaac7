"""A tiny echo socket: proves the websocket path, origin check and session auth work end to end."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.urls import path


class PingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        user = self.scope.get("user")
        signed_in = bool(user and user.is_authenticated)
        await self.send_json({"type": "pong", "signed_in": signed_in})


websocket_urlpatterns = [path("ws/ping/", PingConsumer.as_asgi())]
