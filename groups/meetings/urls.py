from django.urls import path  # noqa: F401 - routes arrive with the meetings issue

app_name = "meetings"

urlpatterns: list = []
