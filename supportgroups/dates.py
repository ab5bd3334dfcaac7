"""Dates for pages that show many of them: the same text as `{{ value }}` in a template
(the active language's DATETIME_FORMAT, in the reader's time zone), for a fraction of the cost.

Django's date formatting looks the format up and parses it again for every value; a thread page
shows dozens of dates. DateTimeLabels reads the format and time zone once (per request) and
turns the common format characters into plain attribute reads; a format using anything else
falls back to Django's own formatter, so the text is always the same.
"""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

from django.utils import dateformat, timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.formats import get_format
from django.utils.translation import get_language

Part = Callable[[datetime], str]


@lru_cache(maxsize=32)
def _parts(language: str | None) -> dict[str, Part]:
    """Format characters as functions; month names translated once per language."""
    short = [""] + [str(MONTHS_3[m]).title() for m in range(1, 13)]
    full = [""] + [str(MONTHS[m]) for m in range(1, 13)]
    return {
        "d": lambda d: f"{d.day:02d}",
        "j": lambda d: str(d.day),
        "m": lambda d: f"{d.month:02d}",
        "n": lambda d: str(d.month),
        "M": lambda d: short[d.month],
        "F": lambda d: full[d.month],
        "Y": lambda d: f"{d.year:04d}",
        "y": lambda d: f"{d.year % 100:02d}",
        "H": lambda d: f"{d.hour:02d}",
        "G": lambda d: str(d.hour),
        "i": lambda d: f"{d.minute:02d}",
        "s": lambda d: f"{d.second:02d}",
    }


class DateTimeLabels:
    """Make once (the language and time zone are read then), call for each value."""

    def __init__(self, format_name: str = "DATETIME_FORMAT") -> None:
        self.zone = timezone.get_current_timezone()
        self.format = get_format(format_name)
        self.language = get_language()
        self._pieces = self._compile(self.format)

    @staticmethod
    def _compile(fmt: str) -> list[str | Part] | None:
        parts = _parts(get_language())
        pieces: list[str | Part] = []
        for char in fmt:
            if char == "\\":
                return None  # escapes: rare, leave them to Django
            if char.isalpha():
                if char not in parts:
                    return None
                pieces.append(parts[char])
            else:
                pieces.append(char)
        return pieces

    def local(self, value: datetime) -> datetime:
        return timezone.localtime(value, self.zone)

    def text(self, value: datetime) -> str:
        """What `{{ value }}` shows."""
        local = self.local(value)
        if self._pieces is None:
            return dateformat.format(local, self.format)
        return "".join(p if isinstance(p, str) else p(local) for p in self._pieces)

    def iso(self, value: datetime) -> str:
        """What `{{ value|date:'c' }}` shows: for <time datetime="...">."""
        return self.local(value).isoformat()

    def texts(self, value: datetime) -> tuple[str, str]:
        """(text, iso), worked out once per process for each instant, zone, format and
        language: a page of posts shows the same few dates to everyone."""
        key = (value, self.zone, self.format, self.language)
        found = _TEXTS.get(key)
        if found is None:
            if len(_TEXTS) >= _TEXTS_KEPT:
                _TEXTS.clear()
            found = _TEXTS[key] = (self.text(value), self.iso(value))
        return found


_TEXTS: dict[tuple[datetime, object, str, str], tuple[str, str]] = {}
_TEXTS_KEPT = 20_000
