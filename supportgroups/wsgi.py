import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")
application = get_wsgi_application()

from .startup import require_secret_key  # noqa: E402 - needs Django set up first

require_secret_key()
