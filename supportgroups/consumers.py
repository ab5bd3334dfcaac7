"""The refusal every unknown /ws/ path gets."""

from channels.generic.websocket import AsyncWebsocketConsumer

CLOSE_NOT_FOUND = 4404


class NotFoundConsumer(AsyncWebsocketConsumer):
    """Refuses the handshake: without it, a path no route matches fails inside the router and the
    server answers with an HTTP 500 and a traceback."""

    async def connect(self):
        await self.close(code=CLOSE_NOT_FOUND)
