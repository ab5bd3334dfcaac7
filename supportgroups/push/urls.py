from django.urls import path

from . import views

app_name = "push"

urlpatterns = [
    path("", views.push_settings, name="settings"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("remove/", views.remove_device, name="remove"),
]
