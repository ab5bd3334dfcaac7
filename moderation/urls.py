from django.urls import path  # noqa: F401 - routes arrive with the moderation issue

app_name = "moderation"

urlpatterns: list = []
