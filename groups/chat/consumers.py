"""The live room socket: catch-up, sending, presence, typing and facilitator controls.

Who may do what is asked of chat's permissions (groups.policy underneath) on connect, inside
every write (the services check again under the room lock), on typing, on the page's heartbeat,
and before forwarding the room's frames (trusting a yes for a while, see
sockets.LiveSocket.still_allowed). Each
re-check reads the person afresh from their session and the database, as Django's get_user does
on a page: a suspension, memorial, ended session, password change or staff demotion closes the
socket.
An "access.changed" event on the person's group (supportgroups.live) asks at once; a sanction
turns the page read-only with the reason, and its end makes it writable again.
"""

import time
import uuid
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from groups.models import SupportGroup
from groups.policy import ALLOWED, Verdict
from moderation.crisis_message import crisis_message_html
from supportgroups import live

from . import permissions, presence, selectors, services
from .live import room_event
from .models import ChatRoom
from .sockets import (
    CLOSE_TRY_AGAIN,
    LiveSocket,
    as_int,
    signed_out,
    write_frame,
)

# Actions that write or read the database on the client's say-so take a rate-limit token.
LIMITED_ACTIONS = {
    "send",
    "edit",
    "history",
    "fetch_after",
    "report",
    "remove",
    "mute",
    "room",
    "live",
}
WRITE_ACTIONS = {"send", "edit", "report", "remove", "mute", "room", "live"}


class ChatConsumer(LiveSocket):
    room: ChatRoom

    def connects_key(self) -> str:
        return f"chat:connects:{self.user.pk}"

    # --- connection ------------------------------------------------------------------------
    def load(self, route: dict[str, Any]) -> bool:
        group = SupportGroup.objects.filter(slug=route["slug"]).first()
        if group is None or not permissions.read_verdict(self.user, group):
            return False
        self.room = services.room_for_group(group=group)
        self.room.group = group
        self.hear_group = self.room.group_name
        return True

    async def welcomed(self) -> None:
        await self._heartbeat()

    async def left(self) -> None:
        announce, people = await database_sync_to_async(presence.leave)(
            room_id=self.room.pk, channel=self.channel_name
        )
        if announce:
            await self.channel_layer.group_send(
                self.room.group_name,
                room_event({"type": "presence", "people": people}),
            )

    def welcome(self, last_seen: int | None, revision: int) -> dict[str, Any]:
        """The room's state and the messages the client lacks (see selectors)."""
        room = ChatRoom.objects.select_related("group", "live_facilitator").get(pk=self.room.pk)
        self.room = room
        # Read before the messages: every sequence up to here is committed, so the client may
        # count itself complete up to it even where a message is hidden or held from it.
        up_to = room.last_sequence
        messages: list[Any] = []
        changes: tuple[list[Any], list[int]] | None = ([], [])
        reset = last_seen is None
        if last_seen is not None:
            limit = settings.CHAT_CATCH_UP_LIMIT
            messages = selectors.messages_after(
                room=room, user=self.user, after=last_seen, limit=limit + 1
            )
            if len(messages) <= limit:
                changes = selectors.changes_since(
                    room=room, user=self.user, up_to=last_seen, revision=revision, limit=limit
                )
            # Too far behind: start again from the recent page.
            reset = len(messages) > limit or changes is None
        if reset or changes is None:
            changes = ([], [])
            messages = selectors.recent_messages(room=room, user=self.user)
        self.write = permissions.person_verdict(self.user, room.group)
        return {
            "type": "welcome",
            "reset": reset,
            "room": selectors.serialize_room(room),
            "messages": [selectors.serialize_message(m) for m in [*messages, *changes[0]]],
            "removed": changes[1],
            "up_to": up_to,
            "write": write_frame(self.write),
        }

    # --- frames from the client ------------------------------------------------------------
    def longest_message(self) -> int:
        return settings.CHAT_MAX_MESSAGE_LENGTH

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        action = str(content.get("type"))
        if action == "heartbeat":
            # Renews the access check: a page beats every CHAT_HEARTBEAT_SECONDS, well within
            # the window; beats faster than a page sends cost no queries.
            await self._heartbeat(trust=settings.CHAT_HEARTBEAT_SECONDS / 2)
            return
        if action == "typing":
            await self.tell_typing({"type": "typing", "name": self.user.display_name})
            return
        if action == "recheck":  # the page's sanction has run out: may they write again?
            if self.bucket.take():
                await self.still_allowed(trust=0)
            return
        handler = getattr(self, f"_do_{action}", None) if action in LIMITED_ACTIONS else None
        if handler is None:
            await self.error("bad_request", _("The chat could not read that."), content)
            return
        if not self.bucket.take():
            await self.error(
                "rate_limited",
                _("You are sending very quickly. Please wait a few seconds and try again."),
                content,
            )
            return
        writes = action in WRITE_ACTIONS
        asked_at = time.monotonic()
        verdicts, outcome = await database_sync_to_async(self._checked)(
            handler, content, recheck=writes
        )
        if verdicts is not None and not await self.take_verdicts(*verdicts):
            return
        if isinstance(outcome, services.ChatRefused):
            await self.error(outcome.code, outcome.message, content)
            if writes or outcome.code == "forbidden":  # a write's refusal may be about them
                await self.still_allowed(trust=0)
            return
        if writes:  # the service's own check, just now, let them: they may read too
            self.checked_at = max(self.checked_at, asked_at)
        for frame in outcome:
            await self.send_json(frame)

    async def _heartbeat(self, *, trust: float | None = None) -> None:
        """Presence, and (unless it was checked within ``trust`` seconds) the access re-check,
        in one trip to the database thread."""
        if live.outage.down:
            # Redis is away (or not yet known to be back): this socket hears nothing live and may
            # have missed frames. The page tries again every few seconds and, once it gets in,
            # catches up from the database.
            await self.close(code=CLOSE_TRY_AGAIN)
            return
        recheck, asked_at = not self._trusted(trust), time.monotonic()
        verdicts, beat = await database_sync_to_async(self._beat)(recheck)
        if recheck:
            self.checked_at = asked_at
        if verdicts is not None and not await self.take_verdicts(*verdicts):
            return
        if beat is None:
            return
        announce, people, up_to = beat
        await self.send_json({"type": "pong", "people": people, "up_to": up_to})
        if announce:
            await self.channel_layer.group_send(
                self.room.group_name,
                room_event({"type": "presence", "people": people}),
            )

    # --- actions (run in a worker thread; they return the frames for this socket) -------------
    def _checked(
        self, handler: Any, content: dict, *, recheck: bool
    ) -> tuple[tuple[Verdict, Verdict] | None, list[dict] | services.ChatRefused]:
        """The action's frames (or why it was refused), after re-reading the person and their
        session if it writes, so that a write never rides on a change of access whose event is
        still on its way. Only the person: every write service asks the policy itself, under
        the room's lock, and after any refused write the socket asks afresh (receive_json).
        Both in one trip to the database thread, which every socket of the process shares: a
        sender waits behind the room's heartbeats once rather than twice."""
        if recheck and self.reread_person() is None:
            return (signed_out(), signed_out()), []
        try:
            return None, handler(content)
        except services.ChatRefused as refused:
            return None, refused

    def _do_send(self, content: dict) -> list[dict]:
        try:
            client_msg_id = uuid.UUID(str(content.get("client_msg_id")))
        except ValueError as error:
            raise services.ChatRefused("bad_request", _("The chat could not read that.")) from error
        result = services.post_message(
            room=self.room,
            author=self.user,
            body=content.get("body", ""),
            client_msg_id=client_msg_id,
        )
        return self._after_write(result, announce=not result.created)

    def _do_edit(self, content: dict) -> list[dict]:
        result = services.edit_message(
            room=self.room,
            editor=self.user,
            sequence=as_int(content.get("id")),
            body=content.get("body", ""),
        )
        return self._after_write(result, announce=False)

    def _after_write(self, result: services.PostResult, *, announce: bool) -> list[dict]:
        """What only the writer hears: their held message, the crisis support message, and
        their own message when the room could not be told (Redis down)."""
        frames = []
        unheard = result.broadcast is not None and result.broadcast.sent is False
        if announce or unheard or result.message.is_held:
            frames.append(
                {"type": "message", "message": selectors.serialize_message(result.message)}
            )
        if unheard:
            frames.append(
                {"type": "notice", "message": _("Chat is offline; your message is kept.")}
            )
        if result.message.is_held:
            frames.append(
                {
                    "type": "notice",
                    "message": _(
                        "Your message is waiting for a facilitator. Only you can see it for now."
                    ),
                }
            )
        if result.screen.crisis:
            html = crisis_message_html(
                self.user, group_id=self.room.group_id, cookies=self.scope.get("cookies", {})
            )
            frames.append({"type": "crisis", "html": html})
        return frames

    def _beat(
        self, recheck: bool
    ) -> tuple[tuple[Verdict, Verdict] | None, tuple[bool, list[str], int] | None]:
        """(the re-check's answers if asked for, (whether to announce, who is here, the room's
        last sequence) unless they may no longer read). A client that has not heard of that
        sequence asks for what it missed: live frames are not kept for a daphne process that
        was not listening (pub/sub), so a message published while its Redis connection came back
        would otherwise go unseen until the next one arrived."""
        verdicts = None
        if recheck:
            verdicts = self.recheck()  # reads the room (with its last sequence) afresh
            if not verdicts[0]:
                return verdicts, None
            up_to = self.room.last_sequence
        else:
            up_to = selectors.last_sequence(self.room.pk)
        announce, people = presence.touch(
            room_id=self.room.pk,
            channel=self.channel_name,
            user_id=self.user.pk,
            name=self.user.display_name,
        )
        return verdicts, (announce, people, up_to)

    def typing_verdict(self) -> Verdict:
        return permissions.write_verdict(self.user, selectors.room(self.room.pk))

    def _check_can_read(self) -> None:
        verdict = permissions.read_verdict(self.user, self.room.group)
        if not verdict:
            raise services.ChatRefused("forbidden", verdict.reason)

    def _do_history(self, content: dict) -> list[dict]:
        self._check_can_read()
        messages = selectors.messages_before(
            room=self.room, user=self.user, before=as_int(content.get("before"))
        )
        return [
            {
                "type": "history",
                "messages": [selectors.serialize_message(m) for m in messages],
                "has_more": len(messages) == settings.CHAT_HISTORY_PAGE,
            }
        ]

    def _do_fetch_after(self, content: dict) -> list[dict]:
        """The messages after the client's highest contiguous id: fills a gap in live delivery.

        With several daphne processes two messages are published independently after commit,
        so a client can hear 6 before 5; it asks here when 5 does not follow within a moment.
        ``up_to`` is read before the messages, so the client is complete up to it even where a
        sequence is hidden or held from it and will never arrive.
        """
        self._check_can_read()
        after = max(as_int(content.get("after")), 0)
        up_to = selectors.last_sequence(self.room.pk)
        limit = settings.CHAT_CATCH_UP_LIMIT
        messages = selectors.messages_after(
            room=self.room, user=self.user, after=after, limit=limit
        )
        has_more = len(messages) == limit
        if has_more:
            up_to = messages[-1].sequence
        return [
            {
                "type": "after",
                "after": after,
                "up_to": max(up_to, after),
                "messages": [selectors.serialize_message(m) for m in messages],
                "has_more": has_more,
            }
        ]

    def _do_report(self, content: dict) -> list[dict]:
        sequence = as_int(content.get("id"))
        services.report_message(
            room=self.room,
            by=self.user,
            sequence=sequence,
            reason=str(content.get("reason", "")),
            note=str(content.get("note", ""))[:2000],
        )
        notice = _("Thank you. A facilitator will look at this message.")
        return [{"type": "reported", "id": sequence, "message": notice}]

    def _do_remove(self, content: dict) -> list[dict]:
        services.remove_message(room=self.room, by=self.user, sequence=as_int(content.get("id")))
        return []

    def _do_mute(self, content: dict) -> list[dict]:
        services.mute_member(
            room=self.room,
            by=self.user,
            user_id=as_int(content.get("user_id")),
            minutes=as_int(content.get("minutes")),
        )
        return [{"type": "notice", "message": _("The member is muted in this group.")}]

    def _do_room(self, content: dict) -> list[dict]:
        flags = {k: bool(content[k]) for k in ("locked", "ended") if k in content}
        self.room = services.set_room_state(room=self.room, by=self.user, **flags)
        return []

    def _do_live(self, content: dict) -> list[dict]:
        self.room = services.set_live_session(
            room=self.room, by=self.user, live=bool(content.get("live"))
        )
        return []

    # --- the access re-check ------------------------------------------------------------------
    def recheck(self) -> tuple[Verdict, Verdict]:
        """(may they still read, may they write) for the person read afresh."""
        user = self.reread_person()
        if user is None:
            return signed_out(), signed_out()
        # The group afresh too: archived, or a cohort that has finished, is read-only. (With the
        # room, in one query: a heartbeat reads the room's last sequence too.)
        self.room = selectors.room(self.room.pk)
        group = self.room.group
        access = permissions.page_access(user, group)  # both answers from one membership query
        if access.can_read:
            return ALLOWED, access.write
        read = permissions.read_verdict(user, group)  # for its reason
        return read, read
