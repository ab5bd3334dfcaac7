from django.contrib import admin

from .models import RSVP, CalendarFeed, MeetingSeries, Occurrence, ReminderDelivery


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "recurrence", "starts_on", "start_time", "time_zone"]
    list_select_related = ["group"]
    raw_id_fields = ["group", "created_by"]


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ["series", "local_date", "starts_at", "is_cancelled", "is_moved"]
    list_select_related = ["series__group"]
    raw_id_fields = ["series"]


@admin.register(RSVP)
class RSVPAdmin(admin.ModelAdmin):
    list_display = ["occurrence", "user", "status", "attended"]
    raw_id_fields = ["occurrence", "user"]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    """Read-only: the delivery log is what proves a reminder went out once."""

    list_display = ["occurrence", "user", "kind", "state", "claimed_at", "sent_at", "skip_reason"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["occurrence", "user"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register(CalendarFeed)
