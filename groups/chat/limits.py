"""Rate limits: a token bucket, so short bursts are fine and floods are not."""

import time

from django.conf import settings
from django.core.cache import cache

from supportgroups.degrade import when_cache_is_down


class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` per second; each action takes one."""

    def __init__(self, *, capacity: int, rate: float, clock=time.monotonic):
        self.capacity = capacity
        self.rate = rate
        self.clock = clock
        self.tokens = float(capacity)
        self.updated = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def chat_bucket(clock=time.monotonic) -> TokenBucket:
    return TokenBucket(
        capacity=settings.CHAT_RATE_LIMIT_BURST,
        rate=settings.CHAT_RATE_LIMIT_PER_SECOND,
        clock=clock,
    )


def frame_bucket() -> TokenBucket:
    """Every frame a socket sends, heartbeats, typing and junk included."""
    return TokenBucket(capacity=settings.CHAT_FRAME_BURST, rate=settings.CHAT_FRAMES_PER_SECOND)


@when_cache_is_down(True)
def allow(key: str) -> bool:
    """The chat limit for plain form posts, which have no connection to hold a bucket.

    The bucket lives in the cache under ``key`` (wall-clock time, shared by every server).
    Two requests at the same instant may both read the same bucket; that lets one extra through.
    """
    bucket = cache.get(key) or chat_bucket(clock=time.time)
    allowed = bucket.take()
    cache.set(key, bucket, timeout=3600)
    return allowed
