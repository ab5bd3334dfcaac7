from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("items/<int:item_id>/", views.item_view, name="item"),
    path("items/<int:item_id>/claim/", views.claim, name="claim"),
    path("items/<int:item_id>/release/", views.claim, {"release": True}, name="release"),
    path("items/<int:item_id>/notes/", views.add_note, name="note"),
    path("items/<int:item_id>/debrief/", views.debrief, name="debrief"),
    path("debrief/", views.debrief, name="debrief_session"),
    path("items/<int:item_id>/<slug:action>/", views.act, name="act"),
    path("report/<str:label>/<int:object_id>/", views.report, name="report"),
    path("appeals/<int:action_id>/", views.appeal, name="appeal"),
    path("appeals/<int:action_id>/write/", views.write, name="write"),
    path("support/", views.support, name="support"),
    path("safety-plan/", views.safety_plan, name="safety_plan"),
    path("safety-plan/stop-sharing/", views.stop_sharing_plan, name="stop_sharing_plan"),
    path("safety-plans/<int:plan_id>/", views.shared_plan, name="shared_plan"),
    path("contact-me/", views.contact_me, name="contact_me"),
    path("follow-ups/<int:follow_up_id>/", views.record_follow_up, name="follow_up"),
    path("my-load/", views.my_load, name="my_load"),
    path("supervision/", views.supervision, name="supervision"),
]
