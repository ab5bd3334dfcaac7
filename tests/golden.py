"""Pages compared with stored renderings (a folder `golden/` beside each test module), so a
change made for speed that alters what someone receives fails its test.

Ids are pinned by restarting the sequences and the clock is frozen by the caller; only CSRF
tokens and runs of whitespace are normalised. After an intended change to what a page shows,
write the files again and read the diff:
    UPDATE_GOLDEN=1 make test PYTEST_ARGS="tests/forums/test_rendering.py"
"""

import os
import re
from pathlib import Path

from django.db import connection


def normalised(html: str) -> str:
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*"', r'\1…"', html)
    html = re.sub(r'("X-CSRFToken": ")[^"]*"', r'\1…"', html)
    return re.sub(r"\s+", " ", html).strip()


def pin_sequences() -> None:
    """Every id made from here on is the same on each run."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(c.oid::regclass, 500000, false) FROM pg_class c WHERE c.relkind = 'S'"
        )


def check(folder: Path, name: str, html: str) -> None:
    path = folder / f"{name}.html"
    got = normalised(html)
    if os.environ.get("UPDATE_GOLDEN"):
        folder.mkdir(exist_ok=True)
        path.write_text(got.replace("> <", ">\n<") + "\n")
    expected = re.sub(r"\s+", " ", path.read_text()).strip()
    assert got == expected, f"{name}: the page differs from {path.name}"
