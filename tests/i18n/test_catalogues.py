"""Every catalogue is complete and in step with the code (`make check` runs this file):
each marked string translated in every language, no fuzzy entries, and `make messages` would
change nothing. No database."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from supportgroups.languages import translated_languages

ROOT = settings.BASE_DIR
LOCALE = ROOT / "locale"
DOMAINS = ("django", "djangojs")
# What `make messages` leaves out (Makefile MESSAGE_IGNORES); makemessages ignores ".*" itself.
NOT_SCANNED = {"locale", "var", "staticfiles", "build", "node_modules"}
CATALOGUES = [
    LOCALE / code / "LC_MESSAGES" / f"{domain}.po"
    for code in translated_languages()
    for domain in DOMAINS
]
STATISTICS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: "/".join(p.parts[-3::2]))
def test_every_marked_string_is_translated(catalogue: Path):
    assert catalogue.exists(), f"{catalogue} is missing: run `make messages`, then translate it"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    counts = {kind: int(n) for n, kind in STATISTICS.findall(result.stderr)}
    assert counts.get("translated", 0) > 0
    assert counts.get("fuzzy", 0) == 0, f"{catalogue}: fuzzy entries ({result.stderr.strip()})"
    assert counts.get("untranslated", 0) == 0, (
        f"{catalogue}: untranslated strings ({result.stderr.strip()})"
    )


def _without_dates(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: .*\\n"$', "", text, flags=re.MULTILINE)


def test_make_messages_would_change_no_catalogue(tmp_path, settings, monkeypatch):
    """`make messages` run on a copy: the project's files are linked into a scratch folder
    beside a copy of the catalogues, so the real ones are never written."""
    for entry in ROOT.iterdir():
        if entry.name not in NOT_SCANNED and not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    shutil.copytree(LOCALE, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    options = {
        "locale": translated_languages(),
        "no_location": True,
        "no_obsolete": True,
        "symlinks": True,
        "verbosity": 0,
    }
    call_command("makemessages", domain="django", **options)
    call_command("makemessages", domain="djangojs", ignore_patterns=["static/vendor"], **options)
    changed = [
        str(catalogue.relative_to(ROOT))
        for catalogue in CATALOGUES
        if _without_dates((tmp_path / catalogue.relative_to(ROOT)).read_text())
        != _without_dates(catalogue.read_text())
    ]
    assert not changed, f"run `make messages` (and translate what it adds): {changed}"
