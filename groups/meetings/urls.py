from django.urls import path

from . import personal_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.my_meetings, name="mine"),
    path("groups/<slug:slug>/new/", views.series_create, name="series_create"),
    path("series/<int:pk>/", views.series_manage, name="series"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("<int:pk>/", views.occurrence_detail, name="occurrence"),
    path("<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:pk>/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path("<int:pk>/move/", views.occurrence_move, name="occurrence_move"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/meeting.ics", views.occurrence_ics, name="occurrence_ics"),
    path("calendar/", personal_views.feed_settings, name="feed_settings"),
    path("calendar/change/", personal_views.feed_change, name="feed_change"),
    path("calendar/<slug:token>.ics", personal_views.feed, name="feed"),
    path("reminders/", personal_views.reminder_settings, name="reminder_settings"),
    path(
        "reminders/<str:token>/",
        personal_views.reminder_settings_signed,
        name="reminder_settings_signed",
    ),
    path("cant-make-it/<str:token>/", personal_views.cant_make_it, name="cant_make_it"),
]
