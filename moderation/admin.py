"""Staff see every moderation model here; the audit log is read-only (no add, change, delete)."""

from typing import cast

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from supportgroups.admin_base import AppendOnlyAdmin
from supportgroups.models import User

from . import aftercare, services
from .models import (
    Appeal,
    AuditLogEntry,
    CrisisPhrase,
    CrisisResource,
    Flag,
    ItemNote,
    OnDutyShift,
    Report,
    ReviewItem,
    Sanction,
)


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    readonly_fields = ("reporter", "reason", "note", "created_at")
    fields = readonly_fields
    can_delete = False


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    readonly_fields = ["kind", "detail", "created_at"]
    can_delete = False


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    """State changes go through the dashboard's actions (audited), so these fields are shown,
    not edited."""

    list_display = ["id", "reason", "state", "resolution", "group_id", "crisis", "opened_at"]
    list_filter = ["state", "reason", "crisis", "resolution"]
    search_fields = ["excerpt"]
    readonly_fields = [f.name for f in ReviewItem._meta.fields]
    inlines = [ReportInline, FlagInline]

    def has_add_permission(self, request):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "reporter", "reason", "item", "created_at"]
    list_filter = ["reason"]
    raw_id_fields = ["reporter", "item"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "item", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["item"]


@admin.register(ItemNote)
class ItemNoteAdmin(admin.ModelAdmin):
    list_display = ["id", "item", "author", "created_at"]
    raw_id_fields = ["item", "author"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "action", "actor", "subject", "item", "reason"]
    list_filter = ["action"]
    search_fields = ["reason"]
    readonly_fields = ["item", "actor", "action", "reason", "subject", "detail", "created_at"]


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "group_id", "until", "lifted_at", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "action"]

    def save_model(
        self, request: HttpRequest, obj: Sanction, form: forms.ModelForm, change: bool
    ) -> None:
        services.save_sanction(obj)  # so that the person's open sockets hear of it

    def delete_model(self, request: HttpRequest, obj: Sanction) -> None:
        services.delete_sanction(obj)  # the same, for the change page's Delete

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Sanction]) -> None:
        for sanction in queryset:  # the list's "Delete selected": each person hears of theirs
            services.delete_sanction(sanction)


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["id", "appellant", "action", "created_at"]
    raw_id_fields = ["appellant", "action"]


@admin.register(CrisisPhrase)
class CrisisPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "language", "is_exclusion", "active"]
    list_filter = ["language", "is_exclusion", "active"]
    search_fields = ["phrase"]


@admin.register(CrisisResource)
class CrisisResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "language", "phone", "text", "hours", "active"]
    list_filter = ["country", "language", "active"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(OnDutyShift)
class OnDutyShiftAdmin(admin.ModelAdmin):
    """Each add, change and deletion goes through aftercare, which writes the audit log."""

    list_display = ["user", "weekday", "start", "end", "is_backup"]
    list_filter = ["weekday", "is_backup"]
    raw_id_fields = ["user"]

    def save_model(
        self, request: HttpRequest, obj: OnDutyShift, form: forms.ModelForm, change: bool
    ) -> None:
        aftercare.save_shift(shift=obj, by=cast(User, request.user))

    def delete_model(self, request: HttpRequest, obj: OnDutyShift) -> None:
        aftercare.delete_shift(shift_id=obj.pk, by=cast(User, request.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OnDutyShift]) -> None:
        for shift in queryset:
            aftercare.delete_shift(shift_id=shift.pk, by=cast(User, request.user))
