from django.urls import path

from .consumers import ChatConsumer

# django-stubs types path() for views only; URLRouter takes ASGI apps too.
websocket_urlpatterns = [path("ws/chat/<slug:slug>/", ChatConsumer.as_asgi())]  # type: ignore[arg-type]
