"""Spellings a reader takes for the same word fold to one (crisis phrases, role words)."""

import pytest

from supportgroups.folding import fold


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Mettre FIN à mes jours", "mettre fin a mes jours"),
        ("Ärztin", "arztin"),
        ("أريد", "اريد"),  # alef with hamza above
        ("إيذاء", "ايذاء"),  # alef with hamza below (the hamza on the line is a letter)
        ("آخر", "اخر"),  # alef with madda
        ("ٱلله", "الله"),  # alef wasla
        ("الوقاية", "الوقايه"),  # taa marbuta
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("أُرِيدُ", "اريد"),  # vowel marks
        ("مشـــرف", "مشرف"),  # tatweel
        ("ﻣﺸﺮﻑ", "مشرف"),  # presentation forms
    ],
)
def test_spellings_fold_to_one(typed, folded):
    assert fold(typed) == folded
