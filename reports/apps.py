from django.apps import AppConfig
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports for the organisation")

    def ready(self) -> None:
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in

        from supportgroups.models import User

        from .links import link_at_sign_in, permissions_changed

        user_logged_in.connect(link_at_sign_in, dispatch_uid="reports_link_at_sign_in")

        for through in (
            User.user_permissions.through,
            User.groups.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(
                permissions_changed, sender=through, dispatch_uid=f"reports-{through.__name__}"
            )
