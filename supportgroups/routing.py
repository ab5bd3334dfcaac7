"""Every websocket route, under /ws/. Each app keeps its own routing module."""

from groups.chat.routing import websocket_urlpatterns as chat_routes
from moderation.routing import websocket_urlpatterns as moderation_routes

from .consumers import websocket_urlpatterns as core_routes

websocket_urlpatterns = core_routes + chat_routes + moderation_routes
