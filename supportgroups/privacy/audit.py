"""Admin access audit for any ModelAdmin showing a member's private data (no side effects on
import, so other apps' admin modules can use it)."""

from django.contrib.admin.utils import unquote

from . import services


class AuditedAdminMixin:
    """Logs which staff member opened an object holding a member's private data.

    Other apps' admins for private data (memberships with screening answers, reports) use it:
    set `audit_subject_field` to the name of the field pointing at the member.
    """

    audit_subject_field: str | None = None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            subject = getattr(obj, self.audit_subject_field) if self.audit_subject_field else obj
            services.log_admin_access(
                staff=request.user,
                subject=subject,
                object_label=f"{obj._meta.verbose_name} {obj.pk}",
                path=request.path,
                method=request.method,
            )
        return super().change_view(request, object_id, form_url, extra_context)
