"""Per-person limits counted in the cache, shared by forums, groups, moderation and push."""

from django.core.cache import cache

from .degrade import when_cache_is_down


def within_rate(key: str, *, limit: int, window: int) -> bool:
    """Count one use in a fixed window of `window` seconds; False once past `limit`. A refused
    use is given back, so waiting helps. Callers decide what a cache outage means
    (supportgroups.degrade)."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return True
    if count > limit:
        cache.decr(key)
        return False
    return True


@when_cache_is_down(None)
def require_within(key: str, *, limit: int, window: int, refusal: Exception) -> None:
    """Count one use, raising `refusal` once past `limit`. While the cache is down the use is let
    through: a limit never stops someone from writing."""
    if not within_rate(key, limit=limit, window=window):
        raise refusal
