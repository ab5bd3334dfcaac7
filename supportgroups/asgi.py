"""HTTP and websockets. In production only /ws/ reaches this (nginx sends pages to gunicorn)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")
django_asgi_app = get_asgi_application()

from .startup import require_secret_key  # noqa: E402 - needs Django set up first

require_secret_key()

from channels.routing import ProtocolTypeRouter  # noqa: E402 - needs Django set up first

from .logs import with_connection_id  # noqa: E402
from .routing import guarded, websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": with_connection_id(guarded(websocket_urlpatterns))}
)
