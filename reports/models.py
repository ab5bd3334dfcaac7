"""The reports read other apps' tables through their `reports.py`; this app keeps no rows of
its own, only the permission that makes someone an organisation lead."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationReports(models.Model):
    """Holds the permission only (no table): grant "See every report" to a person or an auth
    group in the admin to make them an organisation lead."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_organisation_reports", _("See every report (counts only)"))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
