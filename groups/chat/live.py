"""The room's live events: every frame a room's sockets hear, sent through supportgroups.live.

Each daphne process listens once on a room's group (`ChatRoom.group_name`) for "chat.frame"
events and hands them to the room's sockets in that process (`sockets.join`); each socket listens
on its person's group (supportgroups.live.person_group) for "access.changed".
"""

import json
from typing import Any

from supportgroups import live

from .models import ChatRoom


def room_event(frame: dict[str, Any], *, not_to: int | None = None) -> dict[str, Any]:
    """The channel-layer event that hands ``frame`` to every socket in a room (but those of the
    person ``not_to``), encoded to JSON once here: each socket forwards the text as it is rather
    than encoding it again."""
    return {"type": "chat.frame", "text": json.dumps(frame), "not_to": not_to}


def send_to_room(room: ChatRoom, frame: dict[str, Any]) -> live.Delivery:
    """Tell the room once the write has committed; the Delivery says whether it went out."""
    return live.send_on_commit(room.group_name, room_event(frame))
