from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supportgroups.privacy.audit import AuditedAdminMixin

from . import models, services


@admin.register(models.CancerType, models.Audience)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    fields = ["user", "role", "state", "last_active_at"]
    readonly_fields = ["last_active_at"]
    autocomplete_fields = ["user"]
    show_change_link = True


class CountryFilter(admin.AllValuesFieldListFilter):
    """Online groups have no country; their choice needs a name (a link must say where it goes)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": choice["display"] or _("No country")}


@admin.register(models.SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "format", "country", "join_policy", "kind", "is_listed", "is_archived"]
    list_filter = [
        "is_archived",
        "is_listed",
        "format",
        "join_policy",
        "kind",
        "cancer_types",
        "audiences",
        "languages",
        ("country", CountryFilter),
    ]
    search_fields = ["name", "slug", "summary", "city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["cancer_types", "audiences", "languages"]
    autocomplete_fields = ["alumni_group"]
    inlines = [MembershipInline]
    actions = ["archive"]

    @admin.action(description=_("Archive the selected groups"))
    def archive(self, request, queryset):
        count = services.archive_groups(groups=queryset)
        self.message_user(
            request, ngettext("%d group archived.", "%d groups archived.", count) % count
        )


class MembershipEventInline(admin.TabularInline):
    """History is appended by the services and never edited here."""

    model = models.MembershipEvent
    extra = 0
    readonly_fields = ("created_at", "kind", "actor", "message")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_subject_field = "user"  # join notes and screening answers are private (privacy audit)
    list_display = ["user", "group", "role", "state", "updated_at", "last_active_at"]
    list_filter = ["state", "role", "group__is_archived", "group"]
    search_fields = ["user__display_name", "user__email", "group__name"]
    list_select_related = ["user", "group"]
    autocomplete_fields = ["user", "group"]
    readonly_fields = ["created_at", "updated_at", "joined_at", "waitlisted_at"]
    inlines = [MembershipEventInline]
    actions = ["approve_pending"]

    @admin.action(description=_("Approve the selected pending requests"))
    def approve_pending(self, request, queryset):
        """Through the service, so capacity, history and emails work as on the site."""
        approved = 0
        pending = queryset.filter(state=models.Membership.State.PENDING).order_by(
            "updated_at", "pk"
        )
        for membership in pending:  # oldest request first, as places may run out
            try:
                services.approve(membership=membership, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{membership}: {exc.messages[0]}", messages.WARNING)
            else:
                approved += 1
        self.message_user(
            request, ngettext("%d request approved.", "%d requests approved.", approved) % approved
        )


@admin.register(models.GroupInvitation)
class GroupInvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made and withdrawn in the facilitator tools, and the token
    itself is never stored, so there is nothing useful to edit here."""

    list_display = ["group", "invitee", "created_by", "created_at", "expires_at", "used_at"]
    list_filter = ["created_at"]
    list_select_related = ["group", "invitee", "created_by"]
    search_fields = ["group__name", "invitee__display_name", "created_by__display_name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
