"""Every websocket route, under /ws/. Each app keeps its own routing module."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import re_path

from groups.chat.routing import websocket_urlpatterns as chat_routes
from groups.conversations.routing import websocket_urlpatterns as conversation_routes
from moderation.routing import websocket_urlpatterns as moderation_routes

from .consumers import NotFoundConsumer

# Last: any path the routes above do not match is refused cleanly.
not_found = [re_path(r"", NotFoundConsumer.as_asgi())]
websocket_urlpatterns = chat_routes + conversation_routes + moderation_routes + not_found


def guarded(routes: list) -> AllowedHostsOriginValidator:
    """What every socket passes first: an origin among ALLOWED_HOSTS, then the session's user."""
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(routes)))
