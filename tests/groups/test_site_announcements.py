"""Site-wide announcements: staff with MFA write them on their own page, everyone reads them
there and on the forums' index; people who chose one email a day get announcements (group and
site-wide) in their daily digest instead of an email each."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from forums.emails import send_daily_digests
from forums.models import EmailPreference
from groups import announcements, tasks
from groups.models import Announcement, AnnouncementDigestLine
from supportgroups.models import Notification
from tests.factories import (
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
    with_mfa,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 3, 17, 0, tzinfo=UTC)
PAGE = "/groups/announcements/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_staff_with_mfa_announce_to_everyone_and_everyone_reads_it(clock):
    assert reverse("groups:site_announcements") == PAGE
    staff = with_mfa(UserFactory(is_staff=True))
    someone = UserFactory()
    response = client_for(staff).post(
        PAGE, {"title": "Maintenance on Sunday", "body": "The site rests **an hour**."}
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get(group=None)
    assert tasks.deliver_announcement(announcement.pk) >= 1
    note = Notification.objects.get(user=someone, kind="announcement")
    assert note.url == PAGE
    for page in (PAGE, reverse("forums:index")):
        text = client_for(None).get(page).content.decode()
        assert "Maintenance on Sunday" in text and "<strong>an hour</strong>" in text
    assert "New announcement for everyone" not in client_for(someone).get(PAGE).content.decode()


def test_only_staff_with_mfa_may_announce_to_everyone():
    for person in (UserFactory(), UserFactory(is_staff=True)):
        refused = client_for(person).post(PAGE, {"title": "Hello", "body": "Everyone"})
        assert refused.status_code == 403
    assert not Announcement.objects.exists()


def test_an_invalid_announcement_keeps_the_words():
    staff = with_mfa(UserFactory(is_staff=True))
    response = client_for(staff).post(PAGE, {"title": "", "body": "Kept words"})
    assert response.status_code == 400 and "Kept words" in response.content.decode()


def test_daily_digest_people_get_announcements_in_it_and_not_an_email_each():
    group = SupportGroupFactory(name="Evening circle")
    facilitator = FacilitatorMembershipFactory(group=group).user
    daily = MembershipFactory(group=group).user
    EmailPreference.objects.create(user=daily, digest=EmailPreference.Digest.DAILY)
    at_once = MembershipFactory(group=group).user
    announcement = announcements.announce(
        by=facilitator, group=group, title="Tonight moves online", body="New link soon."
    )
    assert tasks.deliver_announcement(announcement.pk) == 1
    assert [m.to for m in mail.outbox] == [[at_once.email]]
    assert AnnouncementDigestLine.objects.filter(user=daily, sent_at__isnull=True).count() == 1

    assert send_daily_digests() == 1
    digest = mail.outbox[-1]
    assert digest.to == [daily.email]
    assert "Tonight moves online" in digest.body and "New link soon." in digest.body
    assert send_daily_digests() == 0  # sent once
    assert len(mail.outbox) == 2


def test_a_digest_leaves_out_the_announcements_of_a_group_left_since():
    group = SupportGroupFactory()
    facilitator = FacilitatorMembershipFactory(group=group).user
    leaver = MembershipFactory(group=group)
    EmailPreference.objects.create(user=leaver.user, digest=EmailPreference.Digest.DAILY)
    announcement = announcements.announce(by=facilitator, group=group, title="Hi", body="All")
    tasks.deliver_announcement(announcement.pk)
    leaver.state = "left"
    leaver.save()
    assert send_daily_digests() == 0
    assert mail.outbox == []
    assert not AnnouncementDigestLine.objects.filter(sent_at__isnull=True).exists()
