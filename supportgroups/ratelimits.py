"""Per-person limits counted in the cache, shared by forums and moderation."""

from django.core.cache import cache


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
