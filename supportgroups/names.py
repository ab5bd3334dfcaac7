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

from .folding import fold

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
# and staff, in any of the site's languages. Whole words only ("SamNurse" counts as two words),
# so "Nursery Rhyme", "Badminton Fan" or "Staffordshire Sam" stay fine; "mod" is refused only
# as a word of its own. Words are compared with accents and Arabic's optional spellings folded
# (so "Modérateur" is "moderateur", "مُشـرِف" is "مشرف"). English plurals by their "s"; the
# other languages' plurals and feminine forms are listed, as a suffix rule would catch names.
ROLE_WORDS = (
    # en
    "facilitator",
    "moderator",
    "mod",
    "admin",
    "administrator",
    "staff",
    "professional",
    "nurse",
    "doctor",
    # es
    "moderador",
    "moderadora",
    "moderadores",
    "moderadoras",
    "facilitador",
    "facilitadora",
    "facilitadores",
    "facilitadoras",
    "administrador",
    "administradora",
    "administradores",
    "administradoras",
    "enfermero",
    "enfermera",
    "enfermeros",
    "enfermeras",
    "médico",
    "médica",
    "médicos",
    "médicas",
    "doctora",
    "doctores",
    "doctoras",
    # fr
    "modérateur",
    "modératrice",
    "animateur",
    "animatrice",
    "administrateur",
    "administratrice",
    "infirmier",
    "infirmière",
    "médecin",
    "docteur",
    # de
    "moderatorin",
    "moderatorinnen",
    "moderatoren",
    "administratorin",
    "administratoren",
    "gruppenleiter",
    "gruppenleiterin",
    "mitarbeiter",
    "mitarbeiterin",
    "krankenschwester",
    "pfleger",
    "pflegerin",
    "arzt",
    "ärztin",
    "ärzte",
    # ar: manager/administrator, supervisor (f.), official, administrative, nurse, doctor, staff
    "مدير",
    "مديرة",
    "مشرفة",
    "مسؤول",
    "مسئول",
    "إداري",
    "ممرض",
    "ممرضة",
    "طبيب",
    "طبيبة",
    "موظف",
)
# Role words that are also given names or family names (Musharraf, Muyassar) are refused
# only with the article: "المشرف" (the moderator), "الميسر" (the facilitator).
ROLE_WORDS_WITH_ARTICLE = ("مشرف", "ميسر")
_ARABIC_ARTICLE = "ال"


def _role_fold(text: str) -> str:
    return fold(_fold(text))


_FOLDED_ROLE_WORDS = frozenset(_role_fold(word) for word in ROLE_WORDS)
_FOLDED_WITH_ARTICLE = frozenset(_role_fold(word) for word in ROLE_WORDS_WITH_ARTICLE)


def _is_role_word(word: str) -> bool:
    if word in _FOLDED_ROLE_WORDS or (word.endswith("s") and word[:-1] in _FOLDED_ROLE_WORDS):
        return True
    if word.startswith(_ARABIC_ARTICLE):
        rest = word.removeprefix(_ARABIC_ARTICLE)
        return rest in _FOLDED_ROLE_WORDS or rest in _FOLDED_WITH_ARTICLE
    return False


def claims_a_role(name: str) -> bool:
    """True if any word of the name, after folding look-alikes, accents and Arabic spellings,
    is a role word (or its plural)."""
    spaced = _CAMEL_HUMP.sub(" ", unicodedata.normalize("NFKC", name))
    words = "".join(char if char.isalnum() else " " for char in _role_fold(spaced)).split()
    return any(_is_role_word(word) for word in words)
