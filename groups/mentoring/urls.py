from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("apply/", views.apply, name="apply"),
    path("ask/", views.ask, name="ask"),
    path("ask/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("match/<int:pk>/", views.match, name="match"),
    path("match/<int:pk>/respond/", views.respond, name="respond"),
    path("match/<int:pk>/introduce/", views.introduce, name="introduce"),
    path("match/<int:pk>/end/", views.end, name="end"),
    path("match/<int:pk>/help/", views.ask_for_help, name="help"),
    path("check-in/<int:pk>/", views.check_in, name="check_in"),
    path("coordinate/", views.coordinate, name="coordinate"),
    path("coordinate/request/<int:pk>/", views.request_page, name="request"),
    path("coordinate/application/<int:pk>/", views.application_page, name="application"),
    path("coordinate/help/<int:pk>/resolve/", views.resolve_help, name="resolve_help"),
]
