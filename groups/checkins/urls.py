from django.urls import path

from . import views

app_name = "checkins"

urlpatterns = [
    path("<slug:slug>/", views.check_in, name="check_in"),
    path("<slug:slug>/facilitators/", views.facilitators, name="facilitators"),
]
