from django.urls import path

from .consumers import DashboardConsumer

websocket_urlpatterns: list = [path("ws/moderation/", DashboardConsumer.as_asgi())]
