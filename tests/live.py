"""Hear what an open socket would hear: a channel on the real channel layer (channels-redis),
added to a group before the change under test."""

import asyncio
import threading

from channels.layers import get_channel_layer

from supportgroups.live import person_group


class Listener:
    """Listens from an event loop of its own, in a thread: the pub/sub layer keeps a process's
    channels and their subscriptions per event loop, as a daphne process does in its one loop."""

    def __init__(self, group: str):
        self.layer = get_channel_layer()
        self.group = group
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.channel = self._run(self.layer.new_channel())
        self._run(self.layer.group_add(group, self.channel))

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

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

        try:
            return self._run(drain())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()  # channels-redis closes this loop's Redis connections


def listen_to_person(user) -> Listener:
    """What every open socket of `user` hears (their chat sockets among them)."""
    return Listener(person_group(user.pk))


ACCESS_CHANGED = {"type": "access.changed"}
