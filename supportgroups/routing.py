"""Every websocket route, under /ws/. Each app keeps its own routing module."""

from django.urls import re_path

from groups.chat.routing import websocket_urlpatterns as chat_routes
from groups.conversations.routing import websocket_urlpatterns as conversation_routes
from moderation.routing import websocket_urlpatterns as moderation_routes

from .consumers import NotFoundConsumer
from .consumers import websocket_urlpatterns as core_routes

# Last: any path the routes above do not match is refused cleanly.
not_found = [re_path(r"", NotFoundConsumer.as_asgi())]
websocket_urlpatterns = (
    core_routes + chat_routes + conversation_routes + moderation_routes + not_found
)
