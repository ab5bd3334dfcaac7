from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.library, name="library"),
    path("suggest/", views.suggest, name="suggest"),
    path("review/", views.review, name="review"),
    path("new/", views.edit, name="new"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/decline/", views.decline, name="decline"),
]
