"""Core sockets: a tiny echo socket that proves the websocket path, origin check and session auth
work end to end, and the refusal every unknown /ws/ path gets."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from django.urls import path

CLOSE_NOT_FOUND = 4404


class PingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        user = self.scope.get("user")
        signed_in = bool(user and user.is_authenticated)
        await self.send_json({"type": "pong", "signed_in": signed_in})


class NotFoundConsumer(AsyncWebsocketConsumer):
    """Refuses the handshake: without it, a path no route matches fails inside the router and the
    server answers with an HTTP 500 and a traceback."""

    async def connect(self):
        await self.close(code=CLOSE_NOT_FOUND)


# django-stubs types path() for views only; URLRouter takes ASGI apps too.
websocket_urlpatterns = [path("ws/ping/", PingConsumer.as_asgi())]  # type: ignore[arg-type]
