"""Rate limits and the other extras kept in the cache never take a page down with them.

While the cache (Redis) cannot be reached, a function wrapped in `when_cache_is_down` returns its
fallback (for a rate limit: let the request through), so forms keep working and typed text is
kept. The outage is logged once when it starts and once when the cache answers again, not on
every request.
"""

import functools
import logging
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class Outage:
    """Logs once when a service stops answering and once when it answers again, however many
    requests (or sockets) notice in between."""

    def __init__(self, service: str, consequence: str):
        self.service = service
        self.consequence = consequence
        self.down = False
        self._lock = threading.Lock()

    def _flip(self, down: bool) -> bool:
        with self._lock:
            changed, self.down = self.down != down, down
        return changed

    def failed(self, error: Exception, what: str) -> None:
        if self._flip(True):
            logger.warning(
                "%s is unreachable (%s); %s %s.", self.service, error, what, self.consequence
            )

    def answered(self) -> None:
        if self.down and self._flip(False):
            logger.warning("%s answers again.", self.service)


cache_outage = Outage("The cache", "lets requests through")  # what: the function that failed


def when_cache_is_down(fallback: R) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = func(*args, **kwargs)
            except RedisError as error:
                cache_outage.failed(error, func.__qualname__)
                return fallback
            cache_outage.answered()
            return result

        return wrapper

    return decorate
