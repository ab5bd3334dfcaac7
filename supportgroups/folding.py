"""Folding text so that spellings a reader takes for the same word compare equal: case, accents
and Arabic's optional marks. Used where the site looks for words in what people type (crisis
phrases, role words in display names), never to store or show text.

Arabic is written with the same word in several spellings: alef with or without hamza or madda
(أ إ آ ٱ ا), taa marbuta or haa at a word's end (ة ه), alef maqsura or yaa (ى ي), the tatweel
stretch (ـ) and optional vowel marks. A phrase must match however it was typed.
"""

import unicodedata

_TATWEEL = "\u0640"
_ARABIC_SPELLINGS = str.maketrans(
    {
        "\u0671": "\u0627",  # alef wasla -> alef (hamza and madda forms decompose to alef)
        "\u0629": "\u0647",  # taa marbuta -> haa
        "\u0649": "\u064a",  # alef maqsura -> yaa
        _TATWEEL: None,
    }
)


def fold(text: str) -> str:
    """Case folded, compatibility forms decomposed, every combining mark (accents, Arabic
    vowel marks, hamza and madda) dropped, and Arabic's interchangeable letters made one."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_ARABIC_SPELLINGS)
