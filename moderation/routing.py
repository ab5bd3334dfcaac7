from django.urls import path

from .consumers import DashboardConsumer

# django-stubs types path() for views only; URLRouter takes ASGI apps too.
websocket_urlpatterns = [path("ws/moderation/", DashboardConsumer.as_asgi())]  # type: ignore[arg-type]
