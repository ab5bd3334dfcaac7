"""axe-core (bundled by axe-playwright-python; nothing fetched) checks every main page, for each
role, in Chromium, and fails on any WCAG 2.2 A or AA violation. The pages hold the demo data."""

import io

import pytest
from allauth.mfa.models import Authenticator
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from forums.models import Board, Post, Thread
from groups.checkins import services as checkins
from groups.checkins.models import CheckInSetup
from groups.conversations.models import Conversation
from groups.meetings.models import Occurrence
from groups.mentoring.models import MentorApplication, MentorRequest
from groups.models import Membership, SupportGroup
from moderation import aftercare
from moderation import services as moderation
from moderation.models import FollowUp
from resources.models import Resource
from supportgroups.models import User
from tests.e2e.helpers import outside_playwrights_loop

WCAG_22_AA = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}
# axe leaves its experimental rules out unless asked; some check WCAG criteria (for example
# label-content-name-mismatch, 2.5.3), so they run too and WCAG-tagged violations count.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": [*sorted(WCAG_22_AA), "experimental"]}}
AXE = Axe()

pytestmark = pytest.mark.e2e


# Rows the migrations write (public boards and topics, crisis lines), which every install has. A
# transactional test that ran earlier on the same worker emptied every table, so they are
# written again (each seed makes only what is missing).
MIGRATIONS_SEEDS = [
    ("forums.migrations.0002_search_index_and_reference_data", "add_reference_data"),
    ("moderation.migrations.0002_seed_crisis_lexicon_and_lines", "seed"),
]


def load_demo() -> None:
    """What `make run` shows: the migrations' rows, then each app's demo data, as
    load_demo_data loads it."""
    from importlib import import_module
    from importlib.util import find_spec

    for module, seed in MIGRATIONS_SEEDS:
        getattr(import_module(module), seed)(apps, None)
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.demo"):
            import_module(f"{config.name}.demo").load(io.StringIO())


@pytest.fixture
def demo(transactional_db):
    outside_playwrights_loop(load_demo)


def visitor_pages() -> list[str]:
    public_board = Board.objects.filter(group=None).first()
    thread = Thread.objects.filter(board=public_board).first()
    group = SupportGroup.objects.order_by("pk").first()
    return [
        reverse("home"),
        reverse("groups:directory"),
        group.get_absolute_url(),
        reverse("forums:index"),
        reverse("groups:site_announcements"),
        reverse("forums:board", args=[public_board.slug]),
        reverse("forums:thread", args=[thread.pk]),
        reverse("forums:search") + "?q=sleep",
        reverse("resources:library"),
        Resource.objects.filter(state="published").first().get_absolute_url(),
        reverse("moderation:support"),
        reverse("privacy"),
        reverse("terms"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("offline"),
    ]


def member_pages(member: User) -> list[str]:
    group = SupportGroup.objects.filter(memberships__user=member).order_by("pk").first()
    CheckInSetup.objects.update_or_create(group=group, defaults={"enabled": True})
    aftercare.save_safety_plan(
        owner=member, sections={"coping_on_my_own": "A walk by the river"}, shared_with=None
    )
    board = Board.objects.get(group=group)
    thread = Thread.objects.filter(board=board).first()
    occurrence = Occurrence.objects.filter(series__group=group).order_by("starts_at").first()
    other = Post.objects.exclude(author=member).filter(thread=thread).first()
    return [
        reverse("home"),
        reverse("groups:mine"),
        group.get_absolute_url(),
        reverse("groups:members", args=[group.slug]),
        reverse("chat:room", args=[group.slug]),
        reverse("forums:board", args=[board.slug]),
        reverse("forums:thread", args=[thread.pk]),
        reverse("forums:new_thread", args=[board.slug]),
        reverse("forums:preferences"),
        reverse("meetings:mine"),
        reverse("meetings:occurrence", args=[occurrence.pk]),
        reverse("meetings:feed_settings"),
        reverse("meetings:reminder_settings"),
        reverse("moderation:report", args=["forums.post", other.pk]),
        reverse("resources:suggest"),
        reverse("notifications"),
        reverse("profile"),
        reverse("push:settings"),
        reverse("offline"),
        reverse("privacy:member", args=[other.author_id]),
        reverse("privacy:settings"),
        reverse("privacy:security"),
        reverse("privacy:email_preferences"),
        reverse("privacy:blocks"),
        reverse("privacy:export"),
        reverse("mfa_index"),
        reverse("conversations:inbox"),
        reverse("conversations:settings"),
        reverse("conversations:ask", args=[group.slug]),
        reverse("conversations:start", args=[group.slug]),
        reverse("conversations:ask_moderators"),
        *[c.get_absolute_url() for c in Conversation.objects.filter(started_by=member)],
        *[
            reverse("conversations:edit", args=[c.pk, 1])
            for c in Conversation.objects.filter(started_by=member)
        ],
        reverse("moderation:safety_plan"),
        reverse("checkins:check_in", args=[group.slug]),
        reverse("mentoring:home"),
        reverse("mentoring:apply"),
        reverse("mentoring:ask"),
    ]


def facilitator_pages(facilitator: User) -> list[str]:
    membership = Membership.objects.filter(user=facilitator, role="facilitator").first()
    group = membership.group
    occurrence = Occurrence.objects.filter(series__group=group).order_by("starts_at").first()
    post = Post.objects.filter(thread__board__group=group).exclude(author=facilitator).first()
    reporter = Membership.objects.filter(group=group, role="member").first().user
    item = moderation.request_review(target=post, reason="harassment", by=reporter)
    # The care after a crisis: a follow-up owed, a check-in above the threshold, and a plan
    # the member asked this facilitator to write with them.
    FollowUp.objects.create(item=item, assignee=facilitator, after_hours=24, due_at=timezone.now())
    CheckInSetup.objects.update_or_create(group=group, defaults={"enabled": True})
    checkins.submit(member=reporter, group=group, score=8, problems=["family"], consent=True)
    plan = aftercare.invite_plan_editor(owner=reporter, editor=facilitator)
    return [
        reverse("moderation:dashboard"),
        reverse("moderation:item", args=[item.pk]),
        reverse("moderation:my_load"),
        reverse("moderation:debrief", args=[item.pk]),
        reverse("moderation:debrief_session"),
        reverse("moderation:safety_plan"),
        reverse("moderation:shared_plan", args=[plan.pk]),
        reverse("checkins:facilitators", args=[group.slug]),
        reverse("groups:manage", args=[group.slug]),
        reverse("groups:edit", args=[group.slug]),
        reverse("groups:email_group", args=[group.slug]),
        reverse("meetings:series_create", args=[group.slug]),
        reverse("meetings:series", args=[occurrence.series_id]),
        reverse("meetings:series_edit", args=[occurrence.series_id]),
        reverse("meetings:attendance", args=[occurrence.pk]),
        reverse("meetings:occurrence_move", args=[occurrence.pk]),
        reverse("meetings:occurrence_cancel", args=[occurrence.pk]),
        reverse("conversations:team_inbox"),
        *[
            c.get_absolute_url()
            for c in Conversation.objects.filter(group=group, kind="facilitators")
        ],
    ]


def staff_pages(staff: User) -> list[str]:
    return [
        reverse("admin:index"),
        reverse("admin:supportgroups_user_changelist"),
        reverse("admin:supportgroups_user_change", args=[staff.pk]),
        reverse("admin:groups_supportgroup_changelist"),
        reverse("resources:review"),
        reverse("moderation:supervision"),
        reverse("mentoring:coordinate"),
        reverse("mentoring:request", args=[MentorRequest.objects.get(state="waiting").pk]),
        reverse("mentoring:application", args=[MentorApplication.objects.first().pk]),
        reverse("admin:mentoring_mentorapplication_changelist"),
        reverse("admin:mentoring_match_changelist"),
    ]


def violations(signed_in_page, base_url: str, user: User | None, paths: list[str]) -> list[str]:
    page = signed_in_page(user, base_url)
    found = []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        assert page.url == base_url + path or "?" in path, f"{path} redirected to {page.url}"
        results = AXE.run(page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            if not WCAG_22_AA & set(violation["tags"]):
                continue
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:3]
            found.append(f"{path}: {violation['id']} ({violation['impact']}) at {targets}")
    page.context.close()
    return found


def test_visitor_pages_meet_wcag_22_aa(signed_in_page, live_server, demo):
    found = violations(signed_in_page, live_server.url, None, visitor_pages())
    assert not found, "\n".join(found)


def test_member_pages_meet_wcag_22_aa(signed_in_page, live_server, demo):
    member = User.objects.get(email="robin@example.org")
    pages = outside_playwrights_loop(member_pages, member)
    found = violations(signed_in_page, live_server.url, member, pages)
    assert not found, "\n".join(found)


def test_facilitator_pages_and_dashboard_meet_wcag_22_aa(signed_in_page, live_server, demo):
    facilitator = User.objects.get(email="sam@example.org")
    assert Authenticator.objects.filter(user=facilitator).exists()  # the demo sets MFA up
    pages = outside_playwrights_loop(facilitator_pages, facilitator)
    found = violations(signed_in_page, live_server.url, facilitator, pages)
    assert not found, "\n".join(found)


def test_staff_pages_in_admin_meet_wcag_22_aa(signed_in_page, live_server, demo):
    staff = User.objects.get(email="admin@example.org")
    found = violations(signed_in_page, live_server.url, staff, staff_pages(staff))
    assert not found, "\n".join(found)
