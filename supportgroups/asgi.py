"""HTTP and websockets. In production only /ws/ reaches this (nginx sends pages to gunicorn)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")
django_asgi_app = get_asgi_application()

from .startup import require_secret_key  # noqa: E402 - needs Django set up first

require_secret_key()

from channels.routing import ProtocolTypeRouter  # noqa: E402 - needs Django set up first

from .logs import with_connection_id  # noqa: E402
from .metrics import counted_websockets  # noqa: E402
from .routing import guarded, websocket_urlpatterns  # noqa: E402

websockets = with_connection_id(counted_websockets(guarded(websocket_urlpatterns)))
application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websockets})

# What is loaded by now (Django, the apps, the URL patterns) lives as long as the process. Out
# of the collector's sight, a full collection walks only what the sockets made since: in a
# 200-person room it paused every socket for 0.1-0.2 s every few seconds. (Collected first, so
# that start-up's garbage is not kept for the life of the process.)
gc.collect()
gc.freeze()
