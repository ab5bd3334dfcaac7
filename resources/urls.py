from django.urls import path  # noqa: F401 - routes arrive with the resources issue

app_name = "resources"

urlpatterns: list = []
