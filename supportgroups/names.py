"""Display-name look-alikes: the "name key" two names must not share, and role-word claims.

Display names are the only thing members see of each other, so "Sаm" (Cyrillic а), "Sam.",
"S a m" or "5am" must not be able to pass for "Sam", and "Facilitat0r" must not pass for a
role. Both checks work on a folded form of the name: NFKC, casefold, common Cyrillic/Greek
homoglyphs and look-alike digits mapped to Latin letters, and i/l/1 treated as one letter.
Accented letters stay distinct ("José" is not "Jose"), so names in any script stay usable.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

TOO_CLOSE = _("That display name is too close to one already in use. Please choose another.")

_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "н": "h",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "о": "o",
        "р": "p",
        "с": "c",
        "ѕ": "s",
        "т": "t",
        "у": "y",
        "х": "x",
        "ԁ": "d",
        # Greek
        "α": "a",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        # digits that read as letters
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        # i, l and 1 are the same stroke in many fonts
        "l": "i",
    }
)
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_LOOK_ALIKES)


def name_key(name: str) -> str:
    """The skeleton two display names may not share; "" when nothing is left of the name."""
    return "".join(char for char in _fold(name) if char.isalnum())


# A name such as "Sam (facilitator)" would pass for the badge the site shows real facilitators
# and staff. Whole words only ("SamNurse" counts as two words), so "Nursery Rhyme",
# "Badminton Fan" or "Staffordshire Sam" stay fine; "mod" is refused only as a word of its own.
ROLE_WORDS = (
    "facilitator",
    "moderator",
    "mod",
    "admin",
    "staff",
    "professional",
    "nurse",
    "doctor",
)
_FOLDED_ROLE_WORDS = frozenset(_fold(word) for word in ROLE_WORDS)


def claims_a_role(name: str) -> bool:
    """True if any word of the name, after folding look-alikes, is a role word (or plural)."""
    spaced = _CAMEL_HUMP.sub(" ", unicodedata.normalize("NFKC", name))
    words = "".join(char if char.isalnum() else " " for char in _fold(spaced)).split()
    return any(
        word in _FOLDED_ROLE_WORDS or (word.endswith("s") and word[:-1] in _FOLDED_ROLE_WORDS)
        for word in words
    )
