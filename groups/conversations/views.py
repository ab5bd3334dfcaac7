"""Thin views for private conversations. Every page works without JavaScript; the conversation
page's script adds live delivery over a websocket. A conversation the person may not open is a
404, like one that does not exist: its existence is not revealed.

A refused write comes back with the typed text and the reason: 403 for the write policy, 429
(with Retry-After) for a rate limit, 400 for text the form or service cannot take.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.models import Membership, SupportGroup
from groups.permissions import access_for
from groups.policy import WriteRefused, act
from groups.quiet import check_in_text
from moderation import aftercare
from moderation.selectors import crisis_context
from supportgroups.models import User
from supportgroups.privacy.selectors import blocked_user_ids

from . import permissions, rendering, selectors, services
from .forms import (
    AskForm,
    AssignForm,
    CheckInForm,
    ContactSettingForm,
    MessageForm,
    PlanTogetherForm,
    StartForm,
)
from .models import Conversation, Message, Participant
from .permissions import Seat

BAD_TEXT = {"empty", "bad_text", "too_long", "no_one", "too_many"}


def _refused_response(request, template: str, context: dict, refused: WriteRefused | None):
    status = 400 if context["form"].errors else 200
    if refused is not None:
        code = refused.verdict.code
        context["refusal"] = refused.verdict.reason
        status = 429 if code == "rate_limited" else 400 if code in BAD_TEXT else 403
    response = render(request, template, context, status=status)
    if status == 429:
        response["Retry-After"] = "60"
    return response


def _after_write(request, result: services.PostResult):
    """Where a sent message leads: the conversation, or the caring message first when the
    words took the crisis path."""
    conversation = result.message.conversation
    if result.broadcast is not None and result.broadcast.sent is False:
        messages.warning(request, _("Live delivery is offline; your message is saved."))
    if result.screen.crisis:
        context = {
            "conversation": conversation,
            **crisis_context(request.user, group_id=conversation.group_id),
        }
        return render(request, "conversations/crisis.html", context)
    return redirect(f"{conversation.get_absolute_url()}#message-{result.message.sequence}")


def _try_writing(request, form, write) -> tuple[object | None, WriteRefused | None]:
    """On a valid POST, `write(data)` through a service: (the response after it, None), or
    (None, the refusal) for the page to show beside the typed text."""
    if request.method != "POST" or not form.is_valid():
        return None, None
    data = {**form.cleaned_data, "client_msg_id": form.client_id()}
    try:
        return _after_write(request, write(data)), None
    except WriteRefused as refused:
        return None, refused


def _open(request, pk: int) -> tuple[Conversation, Seat]:
    """The conversation and the person's seat in it; 404 unless they may read it or are asked
    to it."""
    conversation = get_object_or_404(
        Conversation.objects.select_related("group", "assigned_to", "replying_by"), pk=pk
    )
    seat = permissions.seat_of(request.user, conversation)
    if not (seat.is_asked or permissions.read_verdict(request.user, conversation, seat)):
        raise Http404
    return conversation, seat


def _messages_html(
    request, conversation: Conversation, shown: list[Message], *, may_write: bool = False
) -> SafeString:
    return rendering.render_messages(
        shown,
        conversation=conversation,
        reader=request.user,
        blocked=blocked_user_ids(request.user) if shown else set(),
        may_write=may_write,
    )


def _before(request) -> int | None:
    """An earlier page's "before" message number; anything else is the newest page."""
    raw = request.GET.get("before", "")
    return int(raw) if raw.isdigit() and len(raw) <= 12 else None


@login_required
def inbox(request):
    q = request.GET.get("q", "")
    conversations = selectors.inbox(request.user, q=q)
    context = {
        "conversations": conversations,
        "rows": rendering.render_rows(conversations, team=False),
        "requests": selectors.requests_for(user=request.user),
        "q": q[: selectors.MAX_SEARCH_LENGTH],
    }
    return render(request, "conversations/inbox.html", context)


TEAM_VIEWS = {
    "open": _("Open"),
    "mine": _("Given to me"),
    "closed": _("Closed"),
    "all": _("All"),
}


@login_required
def team_inbox(request):
    if not selectors.is_on_a_team(request.user):
        raise Http404
    show = request.GET.get("show", "open")
    if show not in TEAM_VIEWS:
        show = "open"
    q = request.GET.get("q", "")
    conversations = selectors.inbox(request.user, team=True, show=show, q=q)
    context = {
        "conversations": conversations,
        "rows": rendering.render_rows(conversations, team=True),
        "show": show,
        "views": TEAM_VIEWS,
        "q": q[: selectors.MAX_SEARCH_LENGTH],
    }
    return render(request, "conversations/team_inbox.html", context)


@login_required
def detail(request, pk: int):
    conversation, seat = _open(request, pk)
    if seat.is_asked:
        shown = selectors.messages_for(conversation, request.user, seat)
        context = {
            "conversation": conversation,
            "shown": shown,
            "messages_html": _messages_html(request, conversation, shown),
        }
        return render(request, "conversations/request.html", context)
    form = MessageForm(request.POST or None)
    written, refused = _try_writing(
        request,
        form,
        lambda data: services.post_message(
            conversation=conversation,
            author=request.user,
            body=data["body"],
            client_msg_id=data["client_msg_id"],
        ),
    )
    if written:
        return written
    revision = conversation.last_revision  # read before the messages: see consumers._welcome
    before = _before(request)
    shown, has_earlier = selectors.page_of_messages(conversation, request.user, seat, before=before)
    if shown and request.method == "GET" and before is None:
        services.mark_read(
            conversation=conversation, user=request.user, up_to=shown[-1].sequence, seat=seat
        )
    write = permissions.write_verdict(request.user, conversation, seat)
    context = {
        "conversation": conversation,
        "seat": seat,
        "shown": shown,
        "messages_html": _messages_html(request, conversation, shown, may_write=write.allowed),
        "revision": revision,
        "before": before,
        "has_earlier": has_earlier,
        "last_seen_id": shown[-1].sequence if shown else 0,
        "others": selectors.others_in(conversation, request.user),
        "write": write,
        "replying": selectors.replying(conversation, request.user),
        "form": form,
        "client_msg_id": uuid.uuid4(),
    }
    if seat.is_team:
        context["assign_form"] = AssignForm(
            initial={"to": conversation.assigned_to_id}, team=selectors.team_members(conversation)
        )
    elif _plans_together(conversation, seat):
        context["plan_form"] = PlanTogetherForm(team=selectors.team_members(conversation))
    return _refused_response(request, "conversations/detail.html", context, refused)


@login_required
def edit(request, pk: int, sequence: int):
    """The author changes a message of theirs (a plain form, with or without the page's
    script). 404 for a message that is not theirs; a refused change comes back beside the
    text."""
    conversation, seat = _open(request, pk)
    message = None if seat.is_asked else selectors.own_message(conversation, request.user, sequence)
    if message is None:
        raise Http404
    form = MessageForm(request.POST or None, initial={"body": message.body})
    written, refused = _try_writing(
        request,
        form,
        lambda data: services.edit_message(
            conversation=conversation,
            editor=request.user,
            sequence=sequence,
            body=data["body"],
        ),
    )
    if written:
        return written
    if request.method == "GET":
        # An Edit link followed too late (or after a block): back to the conversation, saying why.
        verdict = permissions.write_verdict(request.user, conversation, seat)
        verdict = verdict and permissions.edit_verdict(request.user, message)
        if not verdict:
            messages.error(request, verdict.reason)
            return redirect(f"{conversation.get_absolute_url()}#message-{message.sequence}")
    context = {"conversation": conversation, "message": message, "form": form}
    return _refused_response(request, "conversations/edit.html", context, refused)


@login_required
@require_POST
def accept(request, pk: int):
    conversation, _seat = _open(request, pk)
    return act(
        request,
        lambda: services.accept(conversation=conversation, user=request.user),
        then=conversation,
    )


@login_required
@require_POST
def ignore(request, pk: int):
    conversation, _seat = _open(request, pk)
    return act(
        request,
        lambda: services.ignore(conversation=conversation, user=request.user),
        then="conversations:inbox",
        done=_("The request is gone. Nobody was told."),
    )


@login_required
@require_POST
def leave(request, pk: int):
    conversation, _seat = _open(request, pk)
    return act(
        request,
        lambda: services.leave(conversation=conversation, user=request.user),
        then="conversations:inbox",
        done=_("You left the conversation. What you wrote stays for the others."),
    )


@login_required
@require_POST
def report_request(request, pk: int):
    """Ignore the request, then say why on moderation's report form (with its reasons)."""
    conversation, seat = _open(request, pk)
    first = selectors.messages_for(conversation, request.user, seat)
    if not seat.is_asked or not first:
        raise Http404
    if seat.state == Participant.State.REQUESTED:
        services.ignore(conversation=conversation, user=request.user)
    return redirect("moderation:report", label="conversations.message", object_id=first[0].pk)


@login_required
@require_POST
def assign(request, pk: int):
    conversation, _seat = _open(request, pk)
    team = selectors.team_members(conversation)
    form = AssignForm(request.POST, team=team)
    if not form.is_valid():
        messages.error(request, _("Choose someone on the team."))
        return redirect(conversation)
    to = next((person for person in team if person.pk == form.cleaned_data["to"]), None)
    return act(
        request,
        lambda: services.assign(conversation=conversation, by=request.user, to=to),
        then=conversation,
    )


def _plans_together(conversation: Conversation, seat: Seat) -> bool:
    """A member in a conversation with their group's facilitators may invite one of them to
    write their safety plan with them."""
    return conversation.kind == Conversation.Kind.FACILITATORS and seat.is_in and not seat.is_team


@login_required
@require_POST
def plan_together(request, pk: int):
    """The member shares their safety plan with one named facilitator of the group, to write
    it together (only that person; they can stop sharing it on the plan's page)."""
    conversation, seat = _open(request, pk)
    if not _plans_together(conversation, seat):
        raise Http404
    team = selectors.team_members(conversation)
    form = PlanTogetherForm(request.POST, team=team)
    chosen = form.cleaned_data["with_whom"] if form.is_valid() else None
    editor = next((person for person in team if person.pk == chosen), None)
    if editor is None:
        messages.error(request, _("Choose one of the group's facilitators."))
        return redirect(conversation)
    try:
        aftercare.invite_plan_editor(owner=request.user, editor=editor)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(conversation)
    messages.success(
        request,
        _("%(name)s can now read your safety plan and write it with you.")
        % {"name": editor.display_name},
    )
    return redirect("moderation:safety_plan")


@login_required
@require_POST
def close(request, pk: int):
    conversation, _seat = _open(request, pk)
    return act(
        request,
        lambda: services.close(conversation=conversation, by=request.user),
        then="conversations:team_inbox",
        done=_("Closed. A new message from the member opens it again."),
    )


def _ask(request, group: SupportGroup | None):
    verdict = permissions.ask_team_verdict(request.user, group)
    form = AskForm(request.POST or None)
    written, refused = _try_writing(
        request,
        form,
        lambda data: services.ask_team(
            member=request.user,
            group=group,
            subject=data["subject"],
            body=data["body"],
            client_msg_id=data["client_msg_id"],
        ),
    )
    if written:
        return written
    context = {"group": group, "form": form, "verdict": verdict}
    return _refused_response(request, "conversations/ask.html", context, refused)


@login_required
def ask(request, slug: str):
    """A member asks the group's facilitators; 404 for anyone who cannot see the group's
    private parts (the group's members are not revealed)."""
    group = get_object_or_404(SupportGroup, slug=slug)
    if not permissions.is_in_group(request.user, group):
        raise Http404
    return _ask(request, group)


@login_required
def ask_moderators(request):
    return _ask(request, None)


@login_required
def start(request, slug: str):
    """Start a conversation with people who share this group (and take one from you)."""
    group = get_object_or_404(SupportGroup, slug=slug)
    if not permissions.is_in_group(request.user, group):
        raise Http404
    people = selectors.people_to_write_to(starter=request.user, group=group)
    chosen = {person.pk: person for person in people}
    form = StartForm(
        request.POST or None,
        initial={"people": [int(request.GET["to"])] if request.GET.get("to", "").isdigit() else []},
        choices=[(person.pk, person.display_name) for person in people],
    )
    written, refused = _try_writing(
        request,
        form,
        lambda data: services.start_conversation(
            starter=request.user,
            group=group,
            recipients=[chosen[pk] for pk in data["people"]],
            subject=data["subject"],
            body=data["body"],
            client_msg_id=data["client_msg_id"],
        ),
    )
    if written:
        return written
    context = {"group": group, "form": form, "people": people}
    return _refused_response(request, "conversations/start.html", context, refused)


@login_required
def check_in(request, slug: str, user_id: int):
    """A facilitator writes to one member of the group as the group's team; 404 for anyone
    but the group's facilitators, and for people who are not its members."""
    group = get_object_or_404(SupportGroup, slug=slug)
    if not access_for(request.user, group).is_facilitator:
        raise Http404
    member = get_object_or_404(
        User,
        pk=user_id,
        memberships__group=group,
        memberships__state=Membership.State.ACTIVE,
        memberships__role=Membership.Role.MEMBER,
    )
    verdict = permissions.check_in_verdict(request.user, group, member)
    gentle = check_in_text(group=group, member=member)
    form = CheckInForm(request.POST or None, initial={"subject": _("Checking in"), "body": gentle})
    written, refused = _try_writing(
        request,
        form,
        lambda data: services.start_from_team(
            facilitator=request.user,
            group=group,
            member=member,
            subject=data["subject"],
            body=data["body"],
            client_msg_id=data["client_msg_id"],
        ),
    )
    if written:
        return written
    context = {
        "group": group,
        "member": member,
        "form": form,
        "verdict": verdict,
        # Someone who takes no new conversations can still be sent a gentle in-app note.
        "note_instead": gentle if verdict.code == "no_consent" else None,
    }
    return _refused_response(request, "conversations/check_in.html", context, refused)


@login_required
def contact_settings(request):
    form = ContactSettingForm(
        request.POST or None, instance=selectors.contact_setting_for(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.set_contact_setting(
            user=request.user, who_may_start=form.cleaned_data["who_may_start"]
        )
        messages.success(request, _("Saved. It applies to new conversations from now on."))
        return redirect("conversations:settings")
    context = {"form": form, "ask_moderators_url": reverse("conversations:ask_moderators")}
    return render(
        request, "conversations/settings.html", context, status=400 if form.errors else 200
    )
