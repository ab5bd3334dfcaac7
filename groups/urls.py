from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    # "mine" is a reserved slug (groups.models.RESERVED_SLUGS), so no group can hide this page.
    path("mine/", views.my_groups, name="mine"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/edit/", views.edit, name="edit"),
    path("<slug:slug>/manage/hand-on/", views.hand_on, name="hand_on"),
    path(
        "<slug:slug>/manage/<int:membership_id>/<slug:action>/",
        views.decide,
        name="decide",
    ),
]
