"""The live conversation socket: catch-up on connect, sending, read marks and "X is replying".

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
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from groups.chat.consumers import (
    CLOSE_TRY_AGAIN,
    ChatConsumer,
    _as_int,
    _holds_unstorable_text,
    _parse,
    _write_frame,
)
from groups.chat.limits import chat_bucket, frame_bucket
from groups.policy import Verdict, WriteRefused
from moderation.crisis_message import crisis_message_html
from supportgroups import live
from supportgroups.degrade import when_cache_is_down
from supportgroups.ratelimits import within_rate

from . import permissions, selectors, services
from .models import Conversation

CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY_CONNECTS = 4429
CLOSE_FLOODING = 4430
# Actions that read or write the database on the client's say-so take a rate-limit token.
LIMITED_ACTIONS = {"send", "read", "fetch_after", "typing"}


@when_cache_is_down(True)
def _connects_allowed(user_id: int) -> bool:
    return within_rate(
        f"conversations:connects:{user_id}", limit=settings.CHAT_CONNECTS_PER_MINUTE, window=60
    )


class ConversationConsumer(AsyncJsonWebsocketConsumer):
    conversation: Conversation | None = None

    async def __call__(self, scope, receive, send):
        """Without the channel layer a socket can neither join nor hear: "try again later"."""
        try:
            await super().__call__(scope, receive, send)
        except live.LAYER_ERRORS as error:
            live.outage.failed(error, "new sockets are turned away;")
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})

    # --- connection ------------------------------------------------------------------------
    async def connect(self):
        self.user = self.scope["user"]
        if self.user.is_authenticated and not await database_sync_to_async(_connects_allowed)(
            self.user.pk
        ):
            await self.accept()  # so that the browser sees the code and backs off
            await self.close(code=CLOSE_TOO_MANY_CONNECTS)
            return
        self.conversation = await database_sync_to_async(self._load)(
            self.scope["url_route"]["kwargs"]["pk"]
        )
        if self.conversation is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.bucket, self.frames, self.refused_frames = chat_bucket(), frame_bucket(), 0
        self.checked_at = 0.0
        await self.accept()
        # Join first, then read the catch-up: a message saved in between arrives twice at
        # worst, and the client drops the duplicate by id.
        await self.channel_layer.group_add(self.conversation.channel_group, self.channel_name)
        await self.channel_layer.group_add(live.person_group(self.user.pk), self.channel_name)
        live.outage.answered()
        params = parse_qs(self.scope.get("query_string", b"").decode())
        welcome = await database_sync_to_async(self._welcome)(
            _as_int(params.get("last_seen_id", [None])[0]),
            _as_int(params.get("rev", [None])[0], 0),
        )
        await self.send_json(welcome)

    async def disconnect(self, code):
        if self.conversation is None:
            return
        try:
            await self.channel_layer.group_discard(
                self.conversation.channel_group, self.channel_name
            )
            await self.channel_layer.group_discard(
                live.person_group(self.user.pk), self.channel_name
            )
        except live.LAYER_ERRORS as error:  # the groups expire on their own
            live.outage.failed(error, "new sockets are turned away;")

    def _load(self, pk) -> Conversation | None:
        if not self.user.is_authenticated:
            return None
        conversation = Conversation.objects.select_related("group").filter(pk=pk).first()
        if conversation is None:
            return None
        self.seat = permissions.seat_of(self.user, conversation)
        if not permissions.read_verdict(self.user, conversation, self.seat):
            return None
        return conversation

    def _welcome(self, last_seen: int | None, revision: int) -> dict:
        conversation = Conversation.objects.select_related("group", "replying_by").get(
            pk=self.conversation.pk
        )
        self.conversation = conversation
        # Read before the messages: everything up to here is committed.
        up_to = conversation.last_sequence
        limit = settings.CONVERSATIONS_HISTORY_PAGE
        messages, gone, reset = [], [], last_seen is None
        if not reset:
            messages = selectors.messages_for(
                conversation, self.user, self.seat, after=max(last_seen, 0), limit=limit + 1
            )
            reset = len(messages) > limit  # too far behind: start again from the recent page
            gone = selectors.gone_since(conversation, self.user, up_to=last_seen, revision=revision)
        if reset:
            messages, gone = selectors.messages_for(conversation, self.user, self.seat), []
        self.write = permissions.write_verdict(self.user, conversation, self.seat)
        replying = selectors.replying(conversation, self.user)
        return {
            "type": "welcome",
            "reset": reset,
            "messages": [selectors.serialize_message(m) for m in messages],
            "removed": gone,
            "up_to": up_to,
            "rev": conversation.last_revision,
            "write": _write_frame(self.write),
            "replying": replying.display_name if replying else None,
        }

    # --- frames from the client ------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not self.frames.take():
            self.refused_frames += 1
            if self.refused_frames > settings.CHAT_FLOOD_STRIKES:
                await self.close(code=CLOSE_FLOODING)
            return
        self.refused_frames = 0
        content = None
        if (
            text_data is not None
            and len(text_data) <= settings.CONVERSATIONS_MAX_MESSAGE_LENGTH * 4
        ):
            content = _parse(text_data)
        if content is None:
            await self._error("bad_request", _("That could not be read."), {})
            return
        if _holds_unstorable_text(content):
            reason = _("The text holds a character that cannot be stored. Please remove it.")
            await self._error("bad_text", reason, content)
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        action = str(content.get("type"))
        if action == "heartbeat":
            await self.send_json({"type": "pong"})
            return
        handler = getattr(self, f"_do_{action}", None) if action in LIMITED_ACTIONS else None
        if handler is None:
            await self._error("bad_request", _("That could not be read."), content)
            return
        if not self.bucket.take():
            reason = _("You are writing very quickly. Please wait a few seconds.")
            await self._error("rate_limited", reason, content)
            return
        # Every action re-reads the person first, so none rides on a change still on its way.
        if not await self._still_allowed(trust=0):
            return
        try:
            frames = await database_sync_to_async(handler)(content)
        except WriteRefused as refused:
            await self._error(refused.verdict.code, refused.verdict.reason, content)
            await self._still_allowed(trust=0)
            return
        for frame in frames:
            await self.send_json(frame)

    async def _error(self, code: str, message: str, content: dict) -> None:
        client_msg_id = content.get("client_msg_id")
        await self.send_json(
            {
                "type": "error",
                "code": code,
                "message": message,
                "client_msg_id": client_msg_id[:100] if isinstance(client_msg_id, str) else None,
            }
        )

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
        frames = []
        if not result.created or result.message.is_held:  # nobody else is told of these
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

    def _do_read(self, content: dict) -> list[dict]:
        up_to = _as_int(content.get("up_to"), 0)
        services.mark_read(conversation=self.conversation, user=self.user, up_to=up_to)
        return []

    def _do_typing(self, content: dict) -> list[dict]:
        services.start_replying(conversation=self.conversation, by=self.user)
        return []

    def _do_fetch_after(self, content: dict) -> list[dict]:
        """What a client missed between two frames (messages published out of order)."""
        after = max(_as_int(content.get("after"), 0), 0)
        messages = selectors.messages_for(self.conversation, self.user, self.seat, after=after)
        return [{"type": "after", "messages": [selectors.serialize_message(m) for m in messages]}]

    # --- events from the channel layer ------------------------------------------------------
    # The chat room socket's re-check, shared: re-read the session and the account, trust a
    # yes for CHAT_ACCESS_RECHECK_SECONDS (every change of access sends a re-check event at
    # once; actions always ask afresh), close on a no, tell the page when writing changes.
    # It calls this consumer's own _recheck.
    _still_allowed = ChatConsumer._still_allowed
    _reread_person = ChatConsumer._reread_person

    def _recheck(self) -> tuple[Verdict, Verdict]:
        """(may they still read, may they write), for the person read afresh: signed out
        everywhere, suspended or a changed password reads as nobody, which may do nothing."""
        user = self._reread_person() or AnonymousUser()
        if user.is_authenticated:
            self.user = user
        conversation = Conversation.objects.select_related("group").get(pk=self.conversation.pk)
        self.conversation = conversation
        self.seat = permissions.seat_of(user, conversation)
        read = permissions.read_verdict(user, conversation, self.seat)
        if not read:
            return read, read
        return read, permissions.write_verdict(user, conversation, self.seat)

    async def conversation_frame(self, event):
        """A frame for everyone in the conversation, encoded once by its sender (live.send)."""
        if await self._still_allowed():
            await self.send(text_data=event["text"])

    async def access_changed(self, event):
        await self._still_allowed(trust=0)
