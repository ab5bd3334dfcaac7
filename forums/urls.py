from django.urls import path  # noqa: F401 - routes arrive with the forums issue

app_name = "forums"

urlpatterns: list = []
