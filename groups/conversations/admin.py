"""Conversations are private: admin shows who and when, never the words, and searches nothing
(only the people in a conversation can search it). Moderators read messages through the queue."""

from django.contrib import admin

from .models import ContactSetting, Conversation


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "group", "started_by", "last_message_at", "closed_at"]
    list_filter = ["kind"]
    list_select_related = ["group", "started_by"]
    fields = readonly_fields = (
        "kind",
        "group",
        "started_by",
        "assigned_to",
        "created_at",
        "last_message_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContactSetting)
class ContactSettingAdmin(admin.ModelAdmin):
    list_display = ["user", "who_may_start", "updated_at"]
    raw_id_fields = ["user"]
