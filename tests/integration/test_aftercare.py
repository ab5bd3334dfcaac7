"""The care after the alert, through real groups, boards and the moderation pages: the member's
own safety plan first in the crisis message, their request to be contacted taking the crisis
path, follow-ups created on resolving and alerting when overdue (frozen clock), audited, and the
facilitators' load matching the audit log."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.checkins import services as checkins
from groups.checkins.models import CheckInSetup
from moderation import actions, emails, queue, selectors
from moderation.models import (
    AuditLogEntry,
    ContactRequest,
    DebriefNote,
    FollowUp,
    OnDutyShift,
    Reason,
    ReviewItem,
    SafetyPlan,
)
from supportgroups.privacy.export import collect
from tests.factories import (
    MembershipFactory,
    OnDutyShiftFactory,
    UserFactory,
    client_for,
    with_mfa,
)

pytestmark = pytest.mark.django_db

CRISIS_WORDS = "I can't keep going. I want to end my life."
PLAN_WORDS = "Walk the dog along the canal"
START = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)


def _write_plan(person, **extra):
    data = {
        "warning_signs": "Not sleeping, skipping meals",
        "coping_on_my_own": PLAN_WORDS,
        "people_and_places": "",
        "people_to_ask": "My sister Ana",
        "professionals": "My oncology nurse",
        "safer_space": "",
        "shared_with": "",
        **extra,
    }
    return client_for(person).post("/moderation/safety-plan/", data)


def _post_crisis(person, board):
    return client_for(person).post(
        f"/forums/b/{board.slug}/new/",
        {"action": "post", "title": "Tonight", "body": CRISIS_WORDS},
    )


def test_own_plan_comes_first_then_the_lines_then_the_button(board, member, other_member):
    assert _write_plan(member).status_code == 302
    html = _post_crisis(member, board).content.decode()
    plan_at = html.index(PLAN_WORDS)
    lines_at = html.index("Samaritans")
    button_at = html.index("Ask the on-duty facilitator to contact me")
    assert plan_at < lines_at < button_at
    assert f'name="group" value="{board.group_id}"' in html

    # Another member in crisis sees their own message, never someone else's plan.
    other = _post_crisis(other_member, board).content.decode()
    assert "Samaritans" in other and PLAN_WORDS not in other
    assert "Write your own safety plan" in other


def test_the_plan_is_private_unless_shared_with_a_named_facilitator(
    member, other_member, facilitator, other_facilitator
):
    _write_plan(member)
    plan = SafetyPlan.objects.get(owner=member)
    address = f"/moderation/safety-plans/{plan.pk}/"
    for stranger in (other_member, facilitator, other_facilitator):
        assert client_for(stranger).get(address).status_code == 404

    # Only a facilitator of one of the member's groups may be named.
    refused = _write_plan(member, shared_with=other_facilitator.pk)
    assert refused.status_code == 400 and PLAN_WORDS in refused.content.decode()
    assert SafetyPlan.objects.get(owner=member).shared_with is None

    assert _write_plan(member, shared_with=facilitator.pk).status_code == 302
    page = client_for(facilitator).get(address)
    assert page.status_code == 200 and PLAN_WORDS in page.content.decode()
    assert client_for(other_member).get(address).status_code == 404
    listed = client_for(facilitator).get("/moderation/safety-plan/").content.decode()
    assert address in listed


def test_asking_to_be_contacted_opens_one_crisis_item_for_the_group(board, member, facilitator):
    _write_plan(member)
    answer = client_for(member).post("/moderation/contact-me/", {"group": board.group_id})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "asked the facilitator on duty to contact you" in html and PLAN_WORDS in html

    item = ReviewItem.objects.get()
    assert item.target == ContactRequest.objects.get(member=member)
    assert (item.crisis, item.state, item.reason, item.group_id) == (
        True,
        ReviewItem.State.ESCALATED,
        Reason.AT_RISK,
        board.group_id,
    )
    dashboard = client_for(facilitator).get("/moderation/")
    assert [i.pk for i in dashboard.context["items"]] == [item.pk]
    assert "Asks the on-duty facilitator to contact them" in dashboard.content.decode()

    # A second click while the first is open adds nothing.
    client_for(member).post("/moderation/contact-me/", {"group": board.group_id})
    assert ReviewItem.objects.count() == 1 and ContactRequest.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-4", "1\x00", ""])
def test_a_strange_group_is_ignored_and_the_request_still_goes(member, value):
    answer = client_for(member).post("/moderation/contact-me/", {"group": value})
    assert answer.status_code == 200
    assert ReviewItem.objects.get().group_id is None  # site moderators then


def test_a_group_the_member_is_not_in_is_not_named(member, other_facilitator):
    elsewhere = other_facilitator.memberships.get().group_id
    client_for(member).post("/moderation/contact-me/", {"group": elsewhere})
    assert ReviewItem.objects.get().group_id is None


def test_visitors_cannot_ask_and_get_is_refused(client):
    assert client.post("/moderation/contact-me/").status_code == 302  # to sign in
    assert ContactRequest.objects.count() == 0


def _crisis_item(member, group_id):
    client_for(member).post("/moderation/contact-me/", {"group": group_id})
    return ReviewItem.objects.get(author=member, crisis=True, state=ReviewItem.State.ESCALATED)


def _resolve(item, by):
    item = queue.claim(item_id=item.pk, user=by, version=item.version)
    return actions.do_dismiss(
        item_id=item.pk, user=by, version=item.version, reason="Spoke with them"
    )


def test_resolving_a_crisis_item_creates_follow_ups_that_alert_when_overdue(
    time_machine, settings, board, member, facilitator
):
    time_machine.move_to(START, tick=False)
    duty = with_mfa(UserFactory(email="duty@example.org", is_staff=True))
    OnDutyShiftFactory(user=duty)
    item = _crisis_item(member, board.group_id)
    _resolve(item, facilitator)

    follow_ups = list(FollowUp.objects.order_by("after_hours"))
    assert [(f.after_hours, f.assignee, f.due_at) for f in follow_ups] == [
        (24, facilitator, START + dt.timedelta(hours=24)),
        (72, facilitator, START + dt.timedelta(hours=72)),
    ]
    page = client_for(facilitator).get("/moderation/").content.decode()
    assert "24-hour follow-up" in page and "due in 1\xa0day" in page and "Overdue" not in page

    time_machine.move_to(START + dt.timedelta(hours=23, minutes=59), tick=False)
    assert emails.alert_overdue_follow_ups() == 0
    assert mail.outbox == []

    time_machine.move_to(START + dt.timedelta(hours=25), tick=False)
    assert emails.alert_overdue_follow_ups() == 1
    assert emails.alert_overdue_follow_ups() == 0  # once
    recipients = sorted(a for m in mail.outbox for a in m.to)
    assert recipients == sorted(["duty@example.org", facilitator.email])
    assert "/moderation/#follow-ups" in mail.outbox[0].body
    alert = AuditLogEntry.objects.get(action=AuditLogEntry.Action.FOLLOW_UP_ALERT)
    assert alert.item == item and alert.detail["follow_up"] == follow_ups[0].pk
    page = client_for(facilitator).get("/moderation/").content.decode()
    assert "Overdue" in page and "due 1\xa0hour ago" in page

    # Recording it: how contact was made and the outcome, in the audit log.
    done = client_for(facilitator).post(
        f"/moderation/follow-ups/{follow_ups[0].pk}/",
        {"contact_method": "phone", "outcome": "Safer today; plan updated together"},
    )
    assert done.status_code == 302
    follow_ups[0].refresh_from_db()
    assert follow_ups[0].done_at == START + dt.timedelta(hours=25)
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.FOLLOW_UP)
    assert (entry.actor, entry.reason, entry.detail["method"], entry.detail["after_hours"]) == (
        facilitator,
        "Safer today; plan updated together",
        "phone",
        24,
    )
    # Recorded once; the 72-hour one is still due and not yet alerted.
    again = client_for(facilitator).post(
        f"/moderation/follow-ups/{follow_ups[0].pk}/",
        {"contact_method": "email", "outcome": "again"},
    )
    assert again.status_code == 400
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.FOLLOW_UP).count() == 1
    time_machine.move_to(START + dt.timedelta(hours=73), tick=False)
    assert emails.alert_overdue_follow_ups() == 1


def test_an_overdue_follow_up_goes_to_the_backups_once_after_a_further_delay(
    time_machine, settings, board, member, facilitator
):
    settings.MODERATION_FOLLOW_UP_BACKUP_MINUTES = 60
    time_machine.move_to(START, tick=False)
    duty = with_mfa(UserFactory(email="duty@example.org", is_staff=True))
    backup = with_mfa(UserFactory(email="backup@example.org", is_staff=True))
    for weekday in range(7):
        OnDutyShiftFactory(user=duty, weekday=weekday)
        OnDutyShiftFactory(user=backup, weekday=weekday, is_backup=True)
    _resolve(_crisis_item(member, board.group_id), facilitator)
    first = FollowUp.objects.get(after_hours=24)

    # Not yet overdue: nobody, not even the backups.
    time_machine.move_to(START + dt.timedelta(hours=23), tick=False)
    assert emails.escalate_overdue_follow_ups() == 0

    # Due: the on-duty people first, never the backups.
    time_machine.move_to(START + dt.timedelta(hours=24, minutes=1), tick=False)
    assert emails.alert_overdue_follow_ups() == 1
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(
        ["duty@example.org", facilitator.email]
    )
    mail.outbox.clear()
    time_machine.move_to(START + dt.timedelta(hours=25), tick=False)
    assert emails.escalate_overdue_follow_ups() == 0  # 59 minutes after the on-duty alert

    # An hour after the on-duty alert and still not recorded: the backups, exactly once.
    time_machine.move_to(START + dt.timedelta(hours=25, minutes=1), tick=False)
    assert emails.escalate_overdue_follow_ups() == 1
    assert emails.escalate_overdue_follow_ups() == 0
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(
        ["backup@example.org", facilitator.email]
    )
    assert mail.outbox[0].subject.startswith("Still overdue")
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.FOLLOW_UP_BACKUP)
    assert entry.detail == {"follow_up": first.pk, "to": [backup.pk, facilitator.pk]}
    first.refresh_from_db()
    assert first.backup_alerted_at == START + dt.timedelta(hours=25, minutes=1)


def test_a_follow_up_recorded_after_the_on_duty_alert_never_reaches_the_backups(
    time_machine, board, member, facilitator
):
    time_machine.move_to(START, tick=False)
    _resolve(_crisis_item(member, board.group_id), facilitator)
    first = FollowUp.objects.get(after_hours=24)
    time_machine.move_to(START + dt.timedelta(hours=24, minutes=1), tick=False)
    assert emails.alert_overdue_follow_ups() == 1
    client_for(facilitator).post(
        f"/moderation/follow-ups/{first.pk}/", {"contact_method": "phone", "outcome": "Reached"}
    )
    mail.outbox.clear()
    time_machine.move_to(START + dt.timedelta(hours=30), tick=False)
    assert emails.escalate_overdue_follow_ups() == 0
    assert mail.outbox == []
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.FOLLOW_UP_BACKUP).exists()


def test_follow_up_hours_come_from_settings(settings, board, member, facilitator):
    settings.MODERATION_FOLLOW_UP_HOURS = [6, 48, 6]
    _resolve(_crisis_item(member, board.group_id), facilitator)
    assert sorted(FollowUp.objects.values_list("after_hours", flat=True)) == [6, 48]


def test_an_invalid_follow_up_keeps_what_was_typed(board, member, facilitator, other_facilitator):
    _resolve(_crisis_item(member, board.group_id), facilitator)
    follow_up = FollowUp.objects.first()
    address = f"/moderation/follow-ups/{follow_up.pk}/"
    bad = client_for(facilitator).post(
        address, {"contact_method": "carrier pigeon", "outcome": "Kept"}
    )
    assert bad.status_code == 400 and "Kept" in bad.content.decode()
    assert client_for(other_facilitator).post(address, {}).status_code == 404
    assert client_for(facilitator).post("/moderation/follow-ups/99999999/", {}).status_code == 404
    assert FollowUp.objects.filter(done_at__isnull=False).count() == 0


def test_closing_a_crisis_item_offers_a_private_debrief(board, member, facilitator, staff_user):
    item = _crisis_item(member, board.group_id)
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    closed = client_for(facilitator).post(
        f"/moderation/items/{item.pk}/dismiss/", {"version": item.version, "reason": "Talked"}
    )
    assert closed.status_code == 302 and closed["Location"].endswith(f"/items/{item.pk}/debrief/")
    written = client_for(facilitator).post(closed["Location"], {"body": "Hard one. Walked after."})
    assert written.status_code == 302
    note = DebriefNote.objects.get()
    assert (note.author, note.item) == (facilitator, item)
    assert "Hard one" in client_for(facilitator).get("/moderation/my-load/").content.decode()
    assert "Hard one" not in client_for(staff_user).get("/moderation/supervision/").content.decode()


def _chat(room, person, body):
    import uuid

    from groups.chat import services as chat

    return chat.post_message(room=room, author=person, body=body, client_msg_id=uuid.uuid4())


def test_ending_a_chat_session_that_carried_a_crisis_offers_a_private_debrief(
    time_machine, group, member, other_member, facilitator
):
    from groups.chat import services as chat
    from supportgroups.models import Notification

    time_machine.move_to(START, tick=False)
    room = chat.room_for_group(group=group)
    chat.set_live_session(room=room, by=facilitator, live=True)
    _chat(room, other_member, "Good evening everyone")
    chat.set_room_state(room=room, by=facilitator, ended=True)
    assert not Notification.objects.filter(user=facilitator).exists()  # an ordinary session

    time_machine.move_to(START + dt.timedelta(days=1), tick=False)
    chat.set_live_session(room=room, by=facilitator, live=True)
    _chat(room, member, CRISIS_WORDS)
    chat.set_room_state(room=room, by=facilitator, ended=True)
    chat.set_room_state(room=room, by=facilitator, ended=True)  # already ended: no second offer
    (offer,) = Notification.objects.filter(user=facilitator)
    assert offer.url == "/moderation/debrief/"
    assert not Notification.objects.filter(user=member, url=offer.url).exists()

    page = client_for(facilitator).get(offer.url)
    assert page.status_code == 200 and "carried someone in crisis" in page.content.decode()
    kept = client_for(facilitator).post(offer.url, {"body": "Long evening. Called my mentor."})
    assert kept.status_code == 302
    note = DebriefNote.objects.get()
    assert (note.author, note.item) == (facilitator, None)
    # Only people who moderate reach the page at all.
    assert client_for(member).get(offer.url).status_code in (403, 404)


def test_a_chat_crisis_item_closed_from_the_queue_leads_to_the_debrief(group, member, facilitator):
    from groups.chat import services as chat

    room = chat.room_for_group(group=group)
    _chat(room, member, CRISIS_WORDS)
    item = ReviewItem.objects.get(crisis=True)
    assert item.group_id == group.pk
    item = queue.claim(item_id=item.pk, user=facilitator, version=item.version)
    closed = client_for(facilitator).post(
        f"/moderation/items/{item.pk}/dismiss/", {"version": item.version, "reason": "Talked"}
    )
    assert closed.status_code == 302 and closed["Location"].endswith(f"/items/{item.pk}/debrief/")


@pytest.fixture
def staff_user(db):
    return with_mfa(UserFactory(is_staff=True, display_name="Supervisor Sue"))


def test_load_figures_match_the_audit_log(board, member, other_member, facilitator, staff_user):
    for person in (member, other_member):
        _resolve(_crisis_item(person, board.group_id), facilitator)
    follow_up = FollowUp.objects.first()
    client_for(facilitator).post(
        f"/moderation/follow-ups/{follow_up.pk}/", {"contact_method": "message", "outcome": "OK"}
    )
    OnDutyShiftFactory(user=facilitator, start="18:00", end="02:00")  # past midnight: 8 h
    OnDutyShiftFactory(user=facilitator, start="09:00", end="12:30", is_backup=True)

    closed_by_them = AuditLogEntry.objects.filter(
        actor=facilitator, action__in=selectors.CLOSING_ACTIONS, item__crisis=True
    )
    followed = AuditLogEntry.objects.filter(actor=facilitator, action="follow_up")
    (load,) = selectors.load_for([facilitator])
    assert load.crisis_items_handled == closed_by_them.count() == 2
    assert load.follow_ups_done == followed.count() == 1
    assert load.follow_ups_due == 3
    assert load.hours_on_duty_per_week == 11.5

    own = client_for(facilitator).get("/moderation/my-load/").content.decode()
    assert 'data-figure="crisis">2<' in own and 'data-figure="hours">11.5<' in own

    supervision = client_for(staff_user).get("/moderation/supervision/")
    assert supervision.status_code == 200
    html = supervision.content.decode()
    assert "Facil Fran" in html and "<td>2</td>" in html
    assert CRISIS_WORDS not in html and "Spoke with them" not in html and "OK" not in html
    assert client_for(facilitator).get("/moderation/supervision/").status_code == 403


def test_hours_on_duty_are_the_shifts_actually_covered_read_back_from_the_rota_audit(
    time_machine, facilitator, other_facilitator, staff_user
):
    """Thirty days to Wednesday 24 February 2027, 12:00 (London is on UTC then)."""
    from moderation import aftercare

    def at(day, hour):  # days counted from 1 January 2027
        moment = dt.datetime(2027, 1, 1, hour, tzinfo=dt.UTC) + dt.timedelta(days=day - 1)
        time_machine.move_to(moment, tick=False)

    # Standing before any audit row: Wednesdays 09:00-12:30, as a backup.
    OnDutyShiftFactory(user=facilitator, weekday=2, start="09:00", end="12:30", is_backup=True)
    at(20, 10)  # before the thirty days: Mondays 18:00-22:00
    monday = aftercare.save_shift(
        shift=OnDutyShift(user=facilitator, weekday=0, start=dt.time(18), end=dt.time(22)),
        by=staff_user,
    )
    at(31 + 10, 9)  # 10 February: Mondays go to someone else
    aftercare.reassign_shift(shift_id=monday.pk, to=other_facilitator, by=staff_user)
    at(31 + 16, 9)  # 16 February: Fridays 22:00-02:00, taken off at 01:00 on the first one
    friday = aftercare.save_shift(
        shift=OnDutyShift(user=facilitator, weekday=4, start=dt.time(22), end=dt.time(2)),
        by=staff_user,
    )
    at(31 + 20, 1)
    aftercare.delete_shift(shift_id=friday.pk, by=staff_user)
    at(31 + 24, 12)

    # Mondays 25 Jan, 1 and 8 Feb (3 x 4 h), Friday 19 Feb 22:00 to 01:00 (3 h), Wednesdays
    # 27 Jan, 3, 10 and 17 Feb (4 x 3.5 h) and this morning until noon (3 h).
    mine, theirs = selectors.load_for([facilitator, other_facilitator])
    assert mine.hours_on_duty == 12 + 3 + 14 + 3 == 32
    assert theirs.hours_on_duty == 2 * 4  # Mondays 15 and 22 Feb
    rota_rows = AuditLogEntry.objects.filter(action__in=selectors.ROTA_ACTIONS)
    assert rota_rows.count() == 4
    assert mine.hours_on_duty_per_week == 3.5  # today's rota: the Wednesday backup shift only

    own = client_for(facilitator).get("/moderation/my-load/").content.decode()
    assert 'data-figure="on-duty">32.0<' in own
    supervision = client_for(staff_user).get("/moderation/supervision/").content.decode()
    assert f'data-carer="{other_facilitator.pk}"' in supervision
    assert 'data-figure="on-duty">8.0<' in supervision


def test_members_who_died_count_in_their_facilitators_load(member, facilitator):
    from supportgroups.privacy.services import memorialise

    memorialise(user=member, by=None)
    (load,) = selectors.load_for([facilitator])
    assert load.members_died == 1


def test_a_supervisor_rebalances_the_rota(facilitator, other_facilitator, staff_user):
    shift = OnDutyShiftFactory(user=facilitator)
    OnDutyShiftFactory(user=other_facilitator)
    moved = client_for(staff_user).post(
        "/moderation/supervision/", {"shift": shift.pk, "user": other_facilitator.pk}
    )
    assert moved.status_code == 302
    assert OnDutyShift.objects.get(pk=shift.pk).user == other_facilitator
    stranger = UserFactory()
    refused = client_for(staff_user).post(
        "/moderation/supervision/", {"shift": shift.pk, "user": stranger.pk}
    )
    assert refused.status_code == 400
    assert OnDutyShift.objects.get(pk=shift.pk).user == other_facilitator
    assert (
        client_for(staff_user)
        .post("/moderation/supervision/", {"shift": "x", "user": stranger.pk})
        .status_code
        == 404
    )
    assert (
        client_for(facilitator)
        .post("/moderation/supervision/", {"shift": shift.pk, "user": facilitator.pk})
        .status_code
        == 403
    )


def _rota_entries():
    rota_actions = ("rota_add", "rota_change", "rota_remove")
    return list(AuditLogEntry.objects.filter(action__in=rota_actions).order_by("id"))


def test_every_rota_change_in_the_admin_and_on_the_supervision_page_is_audited(
    facilitator, other_facilitator, staff_user
):
    admin = client_for(staff_user)
    staff_user.is_superuser = True
    staff_user.save()
    base = "/admin/moderation/ondutyshift/"
    added = admin.post(
        f"{base}add/",
        {"user": facilitator.pk, "weekday": 2, "start": "18:00", "end": "22:00"},
    )
    assert added.status_code == 302
    shift = OnDutyShift.objects.get()
    changed = admin.post(
        f"{base}{shift.pk}/change/",
        {"user": facilitator.pk, "weekday": 2, "start": "18:00", "end": "23:00"},
    )
    assert changed.status_code == 302
    # Saving with nothing changed writes nothing.
    admin.post(
        f"{base}{shift.pk}/change/",
        {"user": facilitator.pk, "weekday": 2, "start": "18:00", "end": "23:00"},
    )
    third = OnDutyShiftFactory(user=other_facilitator, is_backup=True)  # on the rota: offered
    moved = admin.post(
        "/moderation/supervision/", {"shift": shift.pk, "user": other_facilitator.pk}
    )
    assert moved.status_code == 302
    assert admin.post(f"{base}{shift.pk}/delete/", {"post": "yes"}).status_code == 302
    second = OnDutyShiftFactory(user=facilitator)
    bulk = admin.post(
        base,
        {"action": "delete_selected", "_selected_action": [second.pk, third.pk], "post": "yes"},
    )
    assert bulk.status_code == 302 and not OnDutyShift.objects.exists()

    entries = _rota_entries()
    assert [(e.action, e.actor, e.item) for e in entries] == [
        ("rota_add", staff_user, None),
        ("rota_change", staff_user, None),
        ("rota_change", staff_user, None),
        ("rota_remove", staff_user, None),
        ("rota_remove", staff_user, None),
        ("rota_remove", staff_user, None),
    ]
    first_shift = {"shift": shift.pk, "weekday": 2, "start": "18:00:00", "is_backup": False}
    assert entries[0].detail == {**first_shift, "user": facilitator.pk, "end": "22:00:00"}
    assert entries[1].detail["before"]["end"] == "22:00:00"
    assert entries[1].detail["end"] == "23:00:00"
    assert (entries[2].detail["before"]["user"], entries[2].detail["user"]) == (
        facilitator.pk,
        other_facilitator.pk,
    )
    assert entries[3].detail == {**first_shift, "user": other_facilitator.pk, "end": "23:00:00"}
    assert {e.detail["shift"] for e in entries[4:]} == {second.pk, third.pk}
    # The supervision page lists them by name, newest first.
    page = admin.get("/moderation/supervision/").content.decode()
    assert page.count("data-rota-change") == 6
    assert "Rota shift changed, Wednesday 18:00–23:00: from Facil Fran to Facil Olga" in page
    assert "Rota shift added, Wednesday 18:00–22:00: Facil Fran" in page
    # The audit log's admin lists them (rows about no queue item).
    listing = admin.get("/admin/moderation/auditlogentry/?action=rota_change")
    assert listing.status_code == 200 and "Rota shift changed" in listing.content.decode()


def test_a_refused_reassignment_writes_no_audit_row(facilitator, staff_user):
    shift = OnDutyShiftFactory(user=facilitator)
    refused = client_for(staff_user).post(
        "/moderation/supervision/", {"shift": shift.pk, "user": UserFactory().pk}
    )
    assert refused.status_code == 400
    assert (
        client_for(facilitator)
        .post("/moderation/supervision/", {"shift": shift.pk, "user": facilitator.pk})
        .status_code
        == 403
    )
    assert _rota_entries() == []


def test_plan_and_requests_are_exported_and_deleted_with_the_member(board, member, facilitator):
    _write_plan(member, shared_with=facilitator.pk)
    client_for(member).post("/moderation/contact-me/", {"group": board.group_id})
    exported = str(collect(user=member))
    assert PLAN_WORDS in exported and "My sister Ana" in exported

    from supportgroups.privacy.deletion import delete_account

    delete_account(user=member, remove_content=False)
    assert not SafetyPlan.objects.exists() and not ContactRequest.objects.exists()


def test_the_dashboards_follow_ups_cost_the_same_queries_however_many(group, facilitator):

    client = client_for(facilitator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/moderation/").status_code == 200
        return len(captured)

    _resolve(_crisis_item(MembershipFactory(group=group).user, group.pk), facilitator)
    client.get("/moderation/")  # warm the session and content-type caches
    one = queries()
    for _ in range(3):
        _resolve(_crisis_item(MembershipFactory(group=group).user, group.pk), facilitator)
    assert FollowUp.objects.count() == 8
    assert queries() == one


def test_the_check_in_list_costs_the_same_queries_however_many(group, facilitator):

    CheckInSetup.objects.create(group=group, enabled=True)
    client = client_for(facilitator)
    url = f"/check-in/{group.slug}/facilitators/"

    def add_one():
        person = MembershipFactory(group=group).user
        checkins.submit(member=person, group=group, score=8, problems=["family"], consent=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_one()
    client.get(url)
    one = queries()
    for _ in range(4):
        add_one()
    assert queries() == one


def test_the_socket_version_carries_the_plan_and_a_working_form(group, member):
    from django.conf import settings as django_settings

    from moderation.crisis_message import crisis_message_html

    _write_plan(member)
    token = "a" * 32
    html = crisis_message_html(
        member, group_id=group.pk, cookies={django_settings.CSRF_COOKIE_NAME: token}
    )
    assert html.index(PLAN_WORDS) < html.index("Samaritans")
    assert f'name="csrfmiddlewaretoken" value="{token}"' in html
    assert f'name="group" value="{group.pk}"' in html
