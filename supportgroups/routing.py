"""Every websocket route, under /ws/. Each app keeps its own routing module."""

from django.urls import re_path

from groups.chat.routing import websocket_urlpatterns as chat_routes
from moderation.routing import websocket_urlpatterns as moderation_routes

from .consumers import NotFoundConsumer
from .consumers import websocket_urlpatterns as core_routes

# Last: any path the routes above do not match is refused cleanly.
# django-stubs types path() for views only; URLRouter takes ASGI apps too.
not_found = [re_path(r"", NotFoundConsumer.as_asgi())]  # type: ignore[arg-type]
websocket_urlpatterns = core_routes + chat_routes + moderation_routes + not_found
