"""Admin for privacy: the staff access audit, memorials, and the audited User admin.

Imported from SupportGroupsConfig.ready(), after admin autodiscovery has registered the
foundation's UserAdmin, which is replaced here by a subclass that logs every change view.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supportgroups.admin import UserAdmin
from supportgroups.admin_base import AppendOnlyAdmin
from supportgroups.models import AdminAccessLog, Consent, Memorial, User

from . import services
from .audit import AuditedAdminMixin

admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    actions = ["memorialise"]

    @admin.action(description=_("Memorialise (at the family's request)"), permissions=["change"])
    def memorialise(self, request, queryset):
        count = 0
        for user in queryset.exclude(memorial__isnull=False):
            services.memorialise(user=user, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d account memorialised.", "%(count)d accounts memorialised.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AdminAccessLog)
class AdminAccessLogAdmin(AppendOnlyAdmin):
    """Read-only: nobody can edit or delete the audit from the site."""

    list_display = ["at", "staff_label", "subject_label", "object_label", "method"]
    list_filter = ["method"]
    search_fields = ["staff_label", "subject_label"]
    date_hierarchy = "at"


@admin.register(Memorial)
class MemorialAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "created_by"]
    readonly_fields = ["user", "created_at", "created_by"]
    fields = ["user", "created_at", "created_by", "note"]

    def has_add_permission(self, request):
        return False  # use the "Memorialise" action on people, which also stops sign-in


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "notice_version", "given_at"]
    list_filter = ["kind", "notice_version"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
