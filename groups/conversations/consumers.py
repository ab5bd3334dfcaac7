"""The live conversation socket: catch-up on connect, sending, read marks, "X is replying" (the
team, stored so that two facilitators do not answer at once) and "X is writing" (between
members, never stored).

Built on the chat room's machinery: the same frame checks and token buckets, messages saved
before anyone hears of them, a client id on each sent message (a resend is stored once), and
a catch-up from PostgreSQL after every reconnect (the client says the last message id and
revision it has). Who may read and write is asked of this app's permissions on connect,
inside every write (the services ask again under the conversation's lock) and, trusting a yes
for a few seconds, before forwarding each frame. An "access.changed" event (a block, a
suspension, a memorial, a sanction, sign-out everywhere, leaving the group) asks at once:
the socket closes, or tells the page it can no longer write and why.
"""

import uuid
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from groups.chat.sockets import (
    LiveSocket,
    as_int,
    write_frame,
)
from groups.policy import Verdict, WriteRefused
from moderation.crisis_message import crisis_message_html

from . import permissions, selectors, services
from .models import Conversation

# Actions that read or write the database on the client's say-so take a rate-limit token.
LIMITED_ACTIONS = {"send", "edit", "read", "fetch_after", "typing"}


class ConversationConsumer(LiveSocket):
    conversation: Conversation
    seat: permissions.Seat

    def connects_key(self) -> str:
        return f"conversations:connects:{self.user.pk}"

    # --- connection ------------------------------------------------------------------------
    def load(self, route: dict[str, Any]) -> bool:
        conversation = Conversation.objects.select_related("group").filter(pk=route["pk"]).first()
        if conversation is None:
            return False
        self.seat = permissions.seat_of(self.user, conversation)
        if not permissions.read_verdict(self.user, conversation, self.seat):
            return False
        self.conversation, self.hear_group = conversation, conversation.channel_group
        return True

    def welcome(self, last_seen: int | None, revision: int) -> dict[str, Any]:
        conversation = Conversation.objects.select_related("group", "replying_by").get(
            pk=self.conversation.pk
        )
        self.conversation = conversation
        # Read before the messages: everything up to here is committed.
        up_to = conversation.last_sequence
        limit = settings.CONVERSATIONS_HISTORY_PAGE
        messages, gone, edited, reset = [], [], [], last_seen is None
        if last_seen is not None:
            messages = selectors.messages_for(
                conversation, self.user, self.seat, after=max(last_seen, 0), limit=limit + 1
            )
            reset = len(messages) > limit  # too far behind: start again from the recent page
            gone = selectors.gone_since(conversation, self.user, up_to=last_seen, revision=revision)
            edited = selectors.edited_since(
                conversation, self.user, up_to=last_seen, revision=revision
            )
        if reset:
            messages, gone = selectors.messages_for(conversation, self.user, self.seat), []
            edited = []
        self.write = permissions.write_verdict(self.user, conversation, self.seat)
        replying = selectors.replying(conversation, self.user)
        return {
            "type": "welcome",
            "reset": reset,
            "messages": [selectors.serialize_message(m) for m in messages],
            "removed": gone,
            "edited": [selectors.serialize_message(m) for m in edited],
            "up_to": up_to,
            "rev": conversation.last_revision,
            "write": write_frame(self.write),
            "replying": replying.display_name if replying else None,
        }

    # --- frames from the client ------------------------------------------------------------
    def longest_message(self) -> int:
        return settings.CONVERSATIONS_MAX_MESSAGE_LENGTH

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        action = str(content.get("type"))
        if action == "heartbeat":
            await self.send_json({"type": "pong"})
            return
        if action == "typing" and not self.conversation.has_team:
            await self.tell_typing(
                {"type": "typing", "name": self.user.display_name, "user_id": self.user.pk}
            )
            return
        handler = getattr(self, f"_do_{action}", None) if action in LIMITED_ACTIONS else None
        if handler is None:
            await self.error("bad_request", _("That could not be read."), content)
            return
        if not self.bucket.take():
            reason = _("You are writing very quickly. Please wait a few seconds.")
            await self.error("rate_limited", reason, content)
            return
        # Every action re-reads the person first, so none rides on a change still on its way.
        if not await self.still_allowed(trust=0):
            return
        try:
            frames = await database_sync_to_async(handler)(content)
        except WriteRefused as refused:
            await self.error(refused.verdict.code, refused.verdict.reason, content)
            await self.still_allowed(trust=0)
            return
        for frame in frames:
            await self.send_json(frame)

    # --- actions (in a worker thread; they return the frames for this socket) -------------
    def _do_send(self, content: dict) -> list[dict]:
        try:
            client_msg_id = uuid.UUID(str(content.get("client_msg_id")))
        except ValueError as error:
            raise WriteRefused(
                Verdict(allowed=False, code="bad_request", reason=_("That could not be read."))
            ) from error
        result = services.post_message(
            conversation=self.conversation,
            author=self.user,
            body=content.get("body", ""),
            client_msg_id=client_msg_id,
        )
        return self._own_frames(result, told=result.created and not result.message.is_held)

    def _own_frames(self, result: services.PostResult, *, told: bool) -> list[dict]:
        """What only the writer hears: their message when the others were not told of it (a
        resend, held, an unchanged edit), and the caring message after crisis words."""
        frames = []
        if not told:
            frames.append(
                {"type": "message", "message": selectors.serialize_message(result.message)}
            )
        if result.screen.crisis:
            html = crisis_message_html(
                self.user,
                group_id=self.conversation.group_id,
                cookies=self.scope.get("cookies", {}),
            )
            frames.append({"type": "crisis", "html": html})
        return frames

    def _do_edit(self, content: dict) -> list[dict]:
        result = services.edit_message(
            conversation=self.conversation,
            editor=self.user,
            sequence=as_int(content.get("id")),
            body=content.get("body", ""),
        )
        return self._own_frames(result, told=result.broadcast is not None)

    def _do_read(self, content: dict) -> list[dict]:
        up_to = as_int(content.get("up_to"))
        services.mark_read(conversation=self.conversation, user=self.user, up_to=up_to)
        return []

    def _do_typing(self, content: dict) -> list[dict]:
        services.start_replying(conversation=self.conversation, by=self.user)
        return []

    def _do_fetch_after(self, content: dict) -> list[dict]:
        """What a client missed between two frames (messages published out of order)."""
        after = max(as_int(content.get("after")), 0)
        messages = selectors.messages_for(self.conversation, self.user, self.seat, after=after)
        return [{"type": "after", "messages": [selectors.serialize_message(m) for m in messages]}]

    def typing_verdict(self) -> Verdict:
        """Only someone who may write now: a block between any two people, leaving, or a
        sanction stops it, and only those in the conversation have a socket to hear it."""
        return self.recheck()[1]

    # --- the access re-check ------------------------------------------------------------------
    def recheck(self) -> tuple[Verdict, Verdict]:
        """(may they still read, may they write), for the person read afresh: signed out
        everywhere, suspended or a changed password reads as nobody, which may do nothing."""
        user = self.reread_person() or AnonymousUser()
        conversation = Conversation.objects.select_related("group").get(pk=self.conversation.pk)
        self.conversation = conversation
        self.seat = permissions.seat_of(user, conversation)
        read = permissions.read_verdict(user, conversation, self.seat)
        if not read:
            return read, read
        return read, permissions.write_verdict(user, conversation, self.seat)
