from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("items/<int:item_id>/", views.item_view, name="item"),
    path("items/<int:item_id>/claim/", views.claim, name="claim"),
    path("items/<int:item_id>/release/", views.claim, {"release": True}, name="release"),
    path("items/<int:item_id>/notes/", views.add_note, name="note"),
    path("items/<int:item_id>/<slug:action>/", views.act, name="act"),
    path("report/<str:label>/<int:object_id>/", views.report, name="report"),
    path("appeals/<int:action_id>/", views.appeal, name="appeal"),
    path("appeals/<int:action_id>/write/", views.write, name="write"),
    path("support/", views.support, name="support"),
]
