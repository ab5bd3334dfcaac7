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

_lock = threading.Lock()
_down = False


def _note(down: bool, what: str, error: Exception | None = None) -> None:
    global _down
    with _lock:
        if _down == down:
            return
        _down = down
    if down:
        logger.warning("The cache is unreachable (%s); %s lets requests through.", error, what)
    else:
        logger.warning("The cache answers again; rate limits apply.")


def when_cache_is_down(fallback: R) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = func(*args, **kwargs)
            except RedisError as error:
                _note(True, func.__qualname__, error)
                return fallback
            if _down:
                _note(False, func.__qualname__)
            return result

        return wrapper

    return decorate
