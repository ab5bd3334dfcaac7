from django.urls import path

from .consumers import ConversationConsumer

# django-stubs types path() for views only; URLRouter takes ASGI apps too.
websocket_urlpatterns = [
    path("ws/messages/<int:pk>/", ConversationConsumer.as_asgi())  # type: ignore[arg-type]
]
