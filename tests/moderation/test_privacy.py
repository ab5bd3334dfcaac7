"""Export and account deletion for moderation's records (supportgroups.privacy registry)."""

import pytest

from moderation.models import Appeal, AuditLogEntry, ItemNote, OnDutyShift, Report, Sanction
from moderation.services import request_review
from supportgroups.privacy import export
from supportgroups.privacy.deletion import delete_account, former_member
from tests.factories import UserFactory, moderation_records_for

pytestmark = pytest.mark.django_db

LABELS = [
    "moderation.Report",
    "moderation.AuditLogEntry",
    "moderation.ItemNote",
    "moderation.Sanction",
    "moderation.Appeal",
    "moderation.OnDutyShift",
]


def test_export_holds_their_moderation_records(user):
    moderation_records_for(user, UserFactory())
    data = export.collect(user=user)
    for label in LABELS:
        assert data["records"][label]["rows"], label
    assert "moderation.ReviewItem" in data["not_exported"]


def test_deleting_an_account_keeps_the_record_under_the_placeholder(user):
    other = UserFactory()
    moderation_records_for(user, other)
    placeholder = former_member()
    # The placeholder already "reported" the same target: the second report must not collide.
    request_review(target=other, reason="other", by=placeholder)
    delete_account(user=user, remove_content=True)

    assert not AuditLogEntry.objects.filter(actor=user).exists()
    assert AuditLogEntry.objects.filter(actor=placeholder, action="appealed").exists()
    assert AuditLogEntry.objects.filter(subject=placeholder, action="warn").exists()
    assert Sanction.objects.get().user == placeholder
    assert Appeal.objects.get().appellant == placeholder and Appeal.objects.get().body == ""
    assert ItemNote.objects.get(from_author=True).author == placeholder
    assert list(Report.objects.filter(object_id=other.pk).values_list("reporter", flat=True)) == [
        placeholder.pk
    ]
    assert not OnDutyShift.objects.exists()
