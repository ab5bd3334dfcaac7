"""Every websocket route, under /ws/. Each app keeps its own routing module."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.urls import URLPattern, re_path

from groups.chat.routing import websocket_urlpatterns as chat_routes
from groups.conversations.routing import websocket_urlpatterns as conversation_routes
from moderation.routing import websocket_urlpatterns as moderation_routes

from .consumers import NotFoundConsumer

# Last: any path the routes above do not match is refused cleanly.
# django-stubs types path() for views only; URLRouter takes ASGI apps too.
not_found = [re_path(r"", NotFoundConsumer.as_asgi())]  # type: ignore[arg-type]
websocket_urlpatterns = chat_routes + conversation_routes + moderation_routes + not_found


def guarded(routes: list[URLPattern]) -> OriginValidator:
    """What every socket passes first: an origin among ALLOWED_HOSTS, then the session's user."""
    # The channels stubs want routes of their own URLPattern subclass; path() makes these.
    router = URLRouter(routes)  # type: ignore[arg-type]
    return AllowedHostsOriginValidator(AuthMiddlewareStack(router))
