from django.urls import path

from . import views

app_name = "chat"

urlpatterns = [path("<slug:slug>/", views.room, name="room")]
