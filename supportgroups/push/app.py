"""The installable app: its manifest, its service worker (a static file served from the root so
its scope is the whole site) and the version its caches are named by."""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.utils.translation import gettext as _

from supportgroups.languages import site_name

WORKER = "sw.js"


def manifest() -> dict:
    return {
        "name": site_name(),
        "short_name": site_name(),
        "description": _("Support groups for people living with cancer and those close to them."),
        "start_url": "/?source=app",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "theme_color": settings.THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": static("icons/app-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/app-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/app-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }


def _static_version() -> str:
    """A digest that moves whenever a static file changes: the hashed names of the manifest
    storage in production, the files' sizes and times in development."""
    digest = hashlib.sha256()
    hashed_files = getattr(staticfiles_storage, "hashed_files", None)
    if hashed_files:
        digest.update(json.dumps(sorted(hashed_files.items())).encode())
    else:
        for finder in finders.get_finders():
            for path, storage in finder.list([]):
                stat = Path(storage.path(path)).stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


_kept_static_version = cache(_static_version)


def static_version() -> str:
    # Kept for the process in production, where static files change only with a deploy.
    return _static_version() if settings.DEBUG else _kept_static_version()


def worker_source() -> str:
    """The worker with its version on the first line: a new version is a new script, which the
    browser installs, and the new worker drops the caches of the old one."""
    path = finders.find(WORKER)
    if path is None:  # collected only (manifest storage with finders off)
        path = staticfiles_storage.path(WORKER)
    body = Path(path).read_text()
    return f'const STATIC_VERSION = "{static_version()}";\n{body}'
