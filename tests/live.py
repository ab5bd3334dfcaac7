"""Hear what an open socket would hear: a channel on the real channel layer (channels-redis),
added to a group before the change under test."""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from supportgroups.live import person_group


class Listener:
    def __init__(self, group: str):
        self.layer = get_channel_layer()
        self.group = group
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def heard(self, *, wait: float = 0.3) -> list[dict]:
        """Every event that arrives until none has for `wait` seconds; the group is left."""

        async def drain() -> list[dict]:
            events = []
            while True:
                try:
                    events.append(await asyncio.wait_for(self.layer.receive(self.channel), wait))
                except TimeoutError:
                    await self.layer.group_discard(self.group, self.channel)
                    return events

        return async_to_sync(drain)()


def listen_to_person(user) -> Listener:
    """What every open socket of `user` hears (their chat sockets among them)."""
    return Listener(person_group(user.pk))


ACCESS_CHANGED = {"type": "access.changed"}
