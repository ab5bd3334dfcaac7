from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.detail, name="detail"),
]
