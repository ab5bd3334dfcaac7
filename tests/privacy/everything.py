"""One row about a person in every model any app registered.

The export and deletion tests run against it, so a newly registered model with no data here
shows up as a failing export test (add a line below when you register one).
"""

import uuid

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import ADDITION, LogEntry
from django.utils import timezone

from forums import services as forum_services
from forums.models import DigestItem
from groups import invitations
from groups.chat import services as chat_services
from groups.checkins import services as checkin_services
from groups.checkins.models import CheckInReminder, CheckInSetup
from groups.conversations import services as conversation_services
from groups.meetings.models import RSVP, CalendarFeed, ReminderDelivery, ReminderPreference
from groups.models import MembershipEvent
from moderation import aftercare
from moderation import services as moderation_services
from moderation.models import Appeal, AuditLogEntry, DebriefNote, FollowUp, ItemNote, Sanction
from supportgroups.models import (
    AdminAccessLog,
    Block,
    Consent,
    DataExport,
    Memorial,
    NotificationPreference,
    PrivacySettings,
    PushSettings,
    PushSubscription,
    SignInRecord,
)
from supportgroups.privacy import services
from supportgroups.services import notify
from tests.factories import (
    BoardFactory,
    FacilitatorMembershipFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    OccurrenceFactory,
    OnDutyShiftFactory,
    ResourceFactory,
    TopicFactory,
    UserFactory,
    with_mfa,
)

SECRET_SEED = "TOPSECRETSEED"


def give_everything(user):
    """Returns another member who appears in some rows (blocks, reports, replies)."""
    other = UserFactory(display_name="Someone Else")
    _core(user, other)
    group = MembershipFactory(user=user, join_note="My mum has lymphoma").group
    other_membership = MembershipFactory(group=group, user=other)
    MembershipEvent.objects.create(membership=other_membership, kind="approved", actor=user)
    invited_to = FacilitatorMembershipFactory(user=other).group
    invitations.create(group=invited_to, by=other, invitee=user)
    _forums(user, other)
    _chat(user, group)
    _conversations(user, group)
    _meetings(user, group)
    _moderation(user, other)
    _aftercare(user, group)
    _announcements(user, group)
    _mentoring(user)
    _group_emails(user, group)
    ResourceFactory(
        suggested_by=user, is_suggestion=True, suggestion_note="Helped my sister", state="draft"
    )
    return other


def _core(user, other):
    notify(user=user, kind="reply", title="A reply to you")
    PrivacySettings.objects.create(user=user, about="I like walks", cancer_types="lung")
    services.record_consents(user=user, kinds=[Consent.Kind.HEALTH_DATA])
    Block.objects.create(blocker=user, blocked=other)
    Block.objects.create(blocker=other, blocked=user)  # received: must not be exported
    NotificationPreference.objects.create(user=user, kind="reply", email=False)
    SignInRecord.objects.create(user=user, ip="192.0.2.1", user_agent="Firefox")
    PushSubscription.objects.create(
        user=user,
        endpoint=f"https://push.example.test/{SECRET_SEED}-{user.pk}",
        p256dh=SECRET_SEED,
        auth=SECRET_SEED,
        label="Firefox on Android",
    )
    PushSettings.objects.create(user=user, kinds=["messages"])
    DataExport.objects.create(user=user)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": SECRET_SEED}
    )
    UserSession.objects.create(user=user, session_key="k" * 32, ip="192.0.2.2", user_agent="Lynx")
    AdminAccessLog.objects.create(
        staff=other,
        staff_label="Staff",
        subject=user,
        subject_label="x",
        object_label="user",
        path="/admin/",
        method="GET",
    )
    Memorial.objects.create(user=UserFactory(), created_by=user)
    LogEntry.objects.create(user=user, object_repr="thing", action_flag=ADDITION)


def _forums(user, other):
    board = BoardFactory()
    mine = forum_services.create_thread(
        author=user, board=board, title="My first scan", body="Scared of the results"
    ).post
    theirs = forum_services.create_thread(
        author=other, board=board, title="Hello", body="Welcome all"
    ).post
    reply = forum_services.create_reply(
        author=other, thread=mine.thread, parent=mine, body="Thinking of you"
    ).post
    forum_services.toggle_reaction(user=user, post=theirs, kind="hug")
    forum_services.follow(user=user, thread=theirs.thread)
    forum_services.mark_read(user=user, thread=theirs.thread)
    topic = TopicFactory()
    forum_services.set_reading_preferences(
        user=user, topic_actions={topic.pk: "hide"}, digest="daily"
    )
    DigestItem.objects.get_or_create(user=user, post=reply, defaults={"reason": "reply"})
    return mine


def _chat(user, group):
    room = chat_services.room_for_group(group=group)
    chat_services.post_message(
        room=room, author=user, body="See you all on Tuesday", client_msg_id=uuid.uuid4()
    )


def _conversations(user, group):
    conversation_services.set_contact_setting(user=user, who_may_start="facilitators")
    FacilitatorMembershipFactory(group=group)  # someone to ask
    conversation_services.ask_team(
        member=user, group=group, subject="", body="Can my sister come?", client_msg_id=uuid.uuid4()
    )
    conversation_services.start_conversation(
        starter=user,
        group=group,
        recipients=[MembershipFactory(group=group).user],  # not `other`: they block each other
        subject="",
        body="My scan is on Monday too",
        client_msg_id=uuid.uuid4(),
    )
    facilitated = FacilitatorMembershipFactory(user=user).group
    asker = MembershipFactory(group=facilitated).user
    question = conversation_services.ask_team(
        member=asker, group=facilitated, subject="", body="Hello?", client_msg_id=uuid.uuid4()
    ).message.conversation
    conversation_services.post_message(
        conversation=question, author=user, body="Welcome, ask away", client_msg_id=uuid.uuid4()
    )


def _meetings(user, group):
    series = MeetingSeriesFactory(group=group, created_by=user)
    occurrence = OccurrenceFactory(series=series)
    RSVP.objects.create(
        occurrence=occurrence, user=user, status="going", status_changed_at=timezone.now()
    )
    ReminderPreference.objects.create(user=user)
    ReminderDelivery.objects.create(occurrence=occurrence, user=user, kind="24h")
    CalendarFeed.objects.create(user=user)


def _moderation(user, other):
    their_post = other.forum_posts.first()
    moderation_services.request_review(
        target=their_post, reason="misinformation", note="Claims a miracle cure", by=user
    )
    my_post = user.forum_posts.first()
    item = moderation_services.request_review(target=my_post, reason="other", by=other)
    action = AuditLogEntry.objects.create(
        item=item, actor=other, action="warn", subject=user, reason="Please be kind"
    )
    Sanction.objects.create(user=user, kind="warn", reason="Please be kind", action=action)
    Appeal.objects.create(action=action, appellant=user, body="I was quoting someone")
    ItemNote.objects.create(item=item, author=user, body="Sorry, I was upset", from_author=True)
    OnDutyShiftFactory(user=user)


def _mentoring(user):
    """The person as a mentee (a match, a check-in answer) and as a mentor (an application, a
    help request), with a coordinator and the other sides in each."""
    from django.contrib.auth.models import Permission

    from groups.mentoring import services as mentoring
    from groups.mentoring.models import MatchCheckIn, MentorApplication, MentorRequest

    coordinator = with_mfa(UserFactory())
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
    now = timezone.now()
    checklist = {"interview_done_at": now, "training_done_at": now, "agreement_signed_at": now}
    mentor = UserFactory()
    MentorApplication.objects.create(
        user=mentor, role="survivor", age_range="40s", state="approved", **checklist
    )
    asked = MentorRequest.objects.create(
        mentee=user, role="patient", age_range="40s", topics="My scan results frighten me"
    )
    as_mentee = mentoring.propose(request=asked, mentor=mentor, by=coordinator)
    mentoring.respond(match=as_mentee, by=mentor, accept=True)
    as_mentee = mentoring.introduce(
        match=as_mentee, by=coordinator, body="Meet each other", client_msg_id=uuid.uuid4()
    )
    check_in = MatchCheckIn.objects.create(match=as_mentee, person=user, week=2, asked_at=now)
    mentoring.answer_check_in(check_in=check_in, by=user, answer="well", note="Lovely talks")

    MentorApplication.objects.create(
        user=user,
        role="caregiver",
        age_range="50s",
        state="approved",
        comfortable_topics="Caring for my dad",
        **checklist,
    )
    theirs = MentorRequest.objects.create(
        mentee=UserFactory(), role="caregiver", age_range="50s", topics="My mum"
    )
    as_mentor = mentoring.propose(request=theirs, mentor=user, by=coordinator)
    mentoring.respond(match=as_mentor, by=user, accept=True)
    as_mentor = mentoring.introduce(
        match=as_mentor, by=coordinator, body="Hello both", client_msg_id=uuid.uuid4()
    )
    mentoring.ask_for_help(match=as_mentor, by=user, note="How do I talk about hospice?")


def _announcements(user, group):
    """One the person wrote (as if a facilitator) and one they acknowledged."""
    from django.utils import timezone

    from groups.models import Announcement, AnnouncementDigestLine, AnnouncementReceipt

    Announcement.objects.create(
        group=group, author=user, title="Room change", body="Room 4", publish_at=timezone.now()
    )
    theirs = Announcement.objects.create(
        group=group, title="Welcome", body="Hello all", publish_at=timezone.now()
    )
    AnnouncementReceipt.objects.create(announcement=theirs, user=user)
    AnnouncementDigestLine.objects.create(announcement=theirs, user=user)


def _group_emails(user, group):
    """An email the person sent to the whole group (as if a facilitator)."""
    from groups.models import GroupEmail

    GroupEmail.objects.create(group=group, author=user, subject="Online tonight", body="Link soon")


def _aftercare(user, group):
    aftercare.save_safety_plan(
        owner=user, sections={"coping_on_my_own": "Walk by the river"}, shared_with=None
    )
    aftercare.request_contact(member=user, group_id=group.pk)
    item = AuditLogEntry.objects.first().item
    DebriefNote.objects.create(author=user, item=item, body="A hard evening")
    FollowUp.objects.create(item=item, assignee=user, after_hours=24, due_at=timezone.now())
    CheckInSetup.objects.create(group=group, enabled=True)
    checkin_services.submit(member=user, group=group, score=7, problems=["family"], consent=True)
    CheckInReminder.objects.create(
        group=group, member=user, period="week-2027-W10", sent_at=timezone.now()
    )
