import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from groups import welcome
from groups.models import SupportGroup
from groups.services import record_staff_view
from moderation.models import Reason

from . import permissions, selectors, services
from .limits import allow


@login_required
def room(request, slug):
    """The room page. It reads only PostgreSQL, so it renders even when Redis is down.

    Posting the form works without JavaScript too: the page carries a fresh client_msg_id, so a
    resubmitted form is stored once, and the same rate limit applies, kept in the cache.
    """
    group = get_object_or_404(SupportGroup, slug=slug)
    access = permissions.page_access(request.user, group)
    if not access.can_read:
        raise Http404
    record_staff_view(
        user=request.user, group=group, what=_("Chat"), path=request.path, method=request.method
    )
    chat_room = services.room_for_group(group=group)
    body, error = "", ""
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            client_msg_id = uuid.UUID(request.POST.get("client_msg_id", ""))
        except ValueError:
            client_msg_id = uuid.uuid4()
        if not allow(f"chat:post:{request.user.pk}"):
            error = _("You are sending very quickly. Please wait a few seconds and try again.")
        else:
            try:
                result = services.post_message(
                    room=chat_room, author=request.user, body=body, client_msg_id=client_msg_id
                )
            except services.ChatRefused as refused:
                error = refused.message
            else:
                if result.broadcast and result.broadcast.sent is False:
                    # Saved, but nobody was told live: say so rather than pretend it went out.
                    messages.warning(request, _("Chat is offline; your message is kept."))
                return redirect(chat_room)
    revision = chat_room.last_revision  # read before the messages: see consumers._welcome
    # Not "messages": that name belongs to the messages framework base.html shows as banners.
    chat_messages = selectors.recent_messages(room=chat_room, user=request.user)
    return render(
        request,
        "chat/room.html",
        {
            "group": group,
            "room": chat_room,
            "chat_messages": chat_messages,
            "initial": [selectors.serialize_message(m) for m in chat_messages],
            "revision": revision,
            "last_seen_id": chat_messages[-1].sequence if chat_messages else 0,
            "can_manage": access.can_manage,
            "norms": welcome.norms_to_show(membership=access.membership, group=group),
            # Why this person cannot write here (a sanction, a read-only group), whatever the
            # room's state, which the page shows on its own; the socket keeps it up to date.
            "write": access.write,
            "reasons": Reason.choices,
            "body": body,
            "error": error,
            "client_msg_id": uuid.uuid4(),
            "max_length": settings.CHAT_MAX_MESSAGE_LENGTH,
            "heartbeat": settings.CHAT_HEARTBEAT_SECONDS,
            "history_page": settings.CHAT_HISTORY_PAGE,
        },
        status=400 if error else 200,
    )
