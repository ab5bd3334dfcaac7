"""Rate limits and the other extras kept in the cache never take a page down with them.

While the cache (Redis) cannot be reached, a function wrapped in `when_cache_is_down` returns its
fallback (for a rate limit: let the request through), so forms keep working and typed text is
kept. Every other cache call (allauth's sign-in limits and its guard against a TOTP code used
twice, the forums' rendered posts) finds the cache empty: `RedisCacheThatForgets`. The outage is
logged once when it starts and once when the cache answers again, not on every request. A cache
that hangs rather than refuses costs one timeout, not one per call: after a call times out, the
cache is not asked for SKIP_AFTER_TIMEOUT seconds.
"""

import contextvars
import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeout

from .metrics import CACHE_SECONDS

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


# A hung Redis makes every call wait out the socket timeout, and a page makes several: after
# one, the cache is not asked at all for this many seconds (one call then tries again).
SKIP_AFTER_TIMEOUT = 30.0


class Outage:
    """Logs once when a service stops answering and once when it answers again, however many
    requests (or sockets) notice in between."""

    def __init__(self, service: str, consequence: str):
        self.service = service
        self.consequence = consequence
        self.down = False
        # When a call last waited out its timeout (the service hung rather than gone).
        self.timed_out_at: float | None = None
        self._lock = threading.Lock()

    def hung(self) -> bool:
        """Whether a call timed out within the last SKIP_AFTER_TIMEOUT seconds."""
        at = self.timed_out_at
        return at is not None and time.monotonic() - at < SKIP_AFTER_TIMEOUT

    def _flip(self, down: bool) -> bool:
        with self._lock:
            changed, self.down = self.down != down, down
        return changed

    def failed(self, error: Exception, what: str) -> None:
        if isinstance(error, RedisTimeout):
            self.timed_out_at = time.monotonic()
        if self._flip(True):
            logger.warning(
                "%s is unreachable (%s); %s %s.", self.service, error, what, self.consequence
            )

    def answered(self) -> None:
        self.timed_out_at = None
        if self.down and self._flip(False):
            logger.warning("%s answers again.", self.service)


class CacheSkipped(RedisError):
    """Raised instead of asking a cache that timed out lately (see Outage.hung)."""


cache_outage = Outage("The cache", "lets requests through")  # what: the function that failed
broker_outage = Outage("The task queue", "tasks asked for meanwhile are dropped")


# Set while a function wrapped in when_cache_is_down runs: it chose its own fallback, so the
# cache's errors reach it rather than an empty cache's answers.
_fallback_chosen = contextvars.ContextVar("fallback_chosen", default=False)


def when_cache_is_down(fallback: R) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            chosen = _fallback_chosen.set(True)
            try:
                result = func(*args, **kwargs)
            except RedisError as error:
                cache_outage.failed(error, func.__qualname__)
                return fallback
            finally:
                _fallback_chosen.reset(chosen)
            cache_outage.answered()
            return result

        return wrapper

    return decorate


_EMPTY = DummyCache("", {})


def _or_as_if_empty(name: str) -> Callable:
    timed = CACHE_SECONDS.labels(operation=name)

    def method(self, *args, **kwargs):
        try:
            if cache_outage.hung():
                raise CacheSkipped("the cache timed out lately")
            with timed.time():
                result = getattr(RedisCache, name)(self, *args, **kwargs)
        except RedisError as error:
            if _fallback_chosen.get():
                raise
            cache_outage.failed(error, f"cache.{name}() answers as an empty cache;")
            return getattr(_EMPTY, name)(*args, **kwargs)
        cache_outage.answered()
        return result

    method.__name__ = name
    return method


class RedisCacheThatForgets(RedisCache):
    """Django's Redis cache, which answers as an empty one (Django's DummyCache: nothing found,
    nothing kept, `add` succeeds) while Redis cannot be reached. Code of others that uses the
    cache, allauth's above all, cannot be wrapped in `when_cache_is_down`; an empty cache lets
    its rate limits through and keeps sign-in working."""

    add = _or_as_if_empty("add")
    get = _or_as_if_empty("get")
    set = _or_as_if_empty("set")
    touch = _or_as_if_empty("touch")
    delete = _or_as_if_empty("delete")
    get_many = _or_as_if_empty("get_many")
    has_key = _or_as_if_empty("has_key")
    incr = _or_as_if_empty("incr")
    set_many = _or_as_if_empty("set_many")
    delete_many = _or_as_if_empty("delete_many")
    clear = _or_as_if_empty("clear")
