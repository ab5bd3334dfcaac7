from django.urls import path  # noqa: F401 - routes arrive with the chat issue

app_name = "chat"

urlpatterns: list = []
