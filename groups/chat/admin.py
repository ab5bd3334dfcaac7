"""Read-mostly admin: rooms can be fixed by staff; messages are changed by moderation."""

from django.contrib import admin

from .models import ChatMessage, ChatRoom


@admin.register(ChatRoom)
class ChatRoomAdmin(admin.ModelAdmin):
    list_display = ["group", "is_locked", "is_ended", "live_facilitator", "last_sequence"]
    list_filter = ["is_locked", "is_ended"]
    list_select_related = ["group", "live_facilitator"]
    raw_id_fields = ["group", "live_facilitator"]
    readonly_fields = ["last_sequence", "last_revision"]


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["room", "sequence", "author", "created_at", "is_held", "is_hidden"]
    list_filter = ["is_held", "is_hidden"]
    list_select_related = ["room__group", "author"]
    search_fields = ["body"]
    readonly_fields = [f.name for f in ChatMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
