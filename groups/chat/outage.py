"""The chat's channel layer (Redis) going away and coming back: logged once each way.

Apart from services so that settings.LOGGING can name the filter below: logging is configured
before the apps are loaded, so this module must not import models.
"""

import asyncio
import logging

from redis.exceptions import RedisError

from supportgroups.degrade import Outage

live_outage = Outage("The chat's channel layer", "clients catch up from the database later")
LAYER_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


class LayerOutageFilter(logging.Filter):
    """channels-redis's pub/sub layer tries its Redis subscription again every second while Redis
    is down and logs a traceback each time; the outage is logged once instead (and open sockets
    learn of it at their next heartbeat)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, LAYER_ERRORS):
            live_outage.failed(error, "open sockets are closed at their next heartbeat;")
            return False
        return True
