"""Per-connection rate limit: a token bucket, so short bursts are fine and floods are not."""

import time


class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` per second; each action takes one."""

    def __init__(self, *, capacity: int, rate: float):
        self.capacity = capacity
        self.rate = rate
        self.tokens = float(capacity)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
