"""Boards and topics for staff, saved through the forums' services (which refuse indexing a
private board, or any board where the site forbids it). Boards are never deleted here: a
board's threads are people's words."""

from django import forms
from django.contrib import admin

from . import permissions, services
from .models import Board, Topic


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["name", "slug", "description", "allows_anonymous", "indexable", "position"]

    def clean(self):
        cleaned = super().clean() or {}
        asked = Board(group_id=self.instance.group_id, indexable=cleaned.get("indexable", False))
        refused = permissions.indexing_refusal(asked)
        if refused:
            self.add_error("indexable", refused)
        return cleaned


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    form = BoardForm
    list_display = ["name", "group", "allows_anonymous", "indexable", "position"]
    list_editable = ["position"]
    list_select_related = ["group"]
    readonly_fields = ["group"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        services.save_board(board=obj)

    def has_delete_permission(self, request, obj=None):
        return False


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "slug", "position"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicForm
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        services.save_topic(topic=obj)
