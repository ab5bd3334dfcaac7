from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search_view, name="search"),
    path("preferences/", views.preferences, name="preferences"),
    path("preview/", views.preview, name="preview"),
    path("group/<slug:slug>/", views.group_board, name="group_board"),
    path("b/<slug:slug>/", views.board, name="board"),
    path("b/<slug:slug>/new/", views.new_thread, name="new_thread"),
    path("b/<slug:slug>/follow/", views.follow_board, name="follow_board"),
    path("t/<int:pk>/", views.thread, name="thread"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/follow/", views.follow_thread, name="follow_thread"),
    path("t/<int:pk>/controls/", views.thread_controls, name="thread_controls"),
    path("post/<int:pk>/", views.permalink, name="permalink"),
    path("post/<int:pk>/replies/", views.replies, name="replies"),
    path("post/<int:pk>/edit/", views.edit, name="edit"),
    path("post/<int:pk>/delete/", views.delete, name="delete"),
    path("post/<int:pk>/history/", views.history, name="history"),
    path("post/<int:pk>/react/", views.react, name="react"),
    path("post/<int:pk>/moderate/", views.moderate_post, name="moderate_post"),
]
