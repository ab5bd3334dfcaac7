from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("team/", views.team_inbox, name="team_inbox"),
    path("settings/", views.contact_settings, name="settings"),
    path("moderators/ask/", views.ask_moderators, name="ask_moderators"),
    path("groups/<slug:slug>/ask/", views.ask, name="ask"),
    path("groups/<slug:slug>/new/", views.start, name="start"),
    path("groups/<slug:slug>/check-in/<int:user_id>/", views.check_in, name="check_in"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/messages/<int:sequence>/edit/", views.edit, name="edit"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/ignore/", views.ignore, name="ignore"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/report/", views.report_request, name="report_request"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/close/", views.close, name="close"),
]
