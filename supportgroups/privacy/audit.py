"""Admin access audit for any ModelAdmin showing a member's private data (no side effects on
import, so other apps' admin modules can use it)."""

from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from supportgroups.models import User

from . import services


class AuditedAdminMixin(admin.ModelAdmin):
    """Logs which staff member opened an object holding a member's private data.

    Other apps' admins for private data (memberships with screening answers, reports) use it:
    set `audit_subject_field` to the name of the field pointing at the member.
    """

    audit_subject_field: str | None = None

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            subject = getattr(obj, self.audit_subject_field) if self.audit_subject_field else obj
            services.log_admin_access(
                staff=cast(User, request.user),  # admin pages open to signed-in staff only
                subject=subject,
                object_label=f"{obj._meta.verbose_name} {obj.pk}",
                path=request.path,
                method=request.method or "",
            )
        return super().change_view(request, object_id, form_url, extra_context)
