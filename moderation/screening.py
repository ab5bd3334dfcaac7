"""Reading text for crisis words and spam. Pure functions plus one lexicon query.

Crisis matching, deliberately: the lexicon holds only explicit statements of intent to die or
self-harm ("kill myself", "end my life", "quiero morir"), never words that are everyday cancer
talk ("dying", "killing me", "terminal"), so "the chemo is killing me" does not match anything.
Exclusions (idioms such as "could kill myself laughing") are cut out of the text before
matching. Both text and phrases are normalised the same way: case folded, accents and Arabic's
optional spellings folded (supportgroups.folding), punctuation turned into spaces, so
"KILL. myself!!" and "kill myself", or "أريد أن أموت" and "اريد ان اموت", read alike. Phrases of
every language are checked, because people write in whichever language they like. A missed
crisis costs more than a false alarm, which a facilitator closes in a click.
"""

import hashlib
import re
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from supportgroups.degrade import when_cache_is_down
from supportgroups.folding import fold
from supportgroups.prepared import Prepared

from .models import CrisisPhrase

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_LINK = re.compile(r"(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|info|biz|ru|xyz|top)\b)", re.I)


# Arabic writes "and" (و) and "so" (ف) joined to the next word: "وأريد أن أموت" is "and I want
# to die". Set apart, in text and phrases alike, so a phrase matches after them too.
_ARABIC_CONJUNCTION = re.compile(r" ([\u0648\u0641])(?=[\u0620-\u064a]{2})")


def normalise(text: str) -> str:
    spaced = " " + " ".join(_NON_WORD.sub(" ", fold(text)).split()) + " "
    return _ARABIC_CONJUNCTION.sub(r" \1 ", spaced)


@lru_cache(maxsize=4096)
def _normalised_phrase(phrase: str) -> str:
    """The lexicon is read afresh for every text (an edit in admin holds at once), but each
    phrase is folded once per process: folding the whole lexicon was most of a chat message's
    screening."""
    return normalise(phrase)


# Read for every chat message and post: compiled once.
_ACTIVE_PHRASES = Prepared(
    lambda: CrisisPhrase.objects.filter(active=True).values_list("phrase", "is_exclusion")
)


def crisis_match(text: str) -> str | None:
    """The first crisis phrase found in the text, or None."""
    phrases = _ACTIVE_PHRASES()
    body = normalise(text)
    for phrase, is_exclusion in phrases:
        if is_exclusion:
            body = body.replace(_normalised_phrase(phrase), " ")
    for phrase, is_exclusion in phrases:
        if not is_exclusion and _normalised_phrase(phrase) in body:
            return phrase
    return None


def spam_signal(*, author, text: str, target_key: str) -> str | None:
    """Why this looks like spam, or None. Only new accounts are screened: links, or the same
    text posted again (in another place, target_key tells an edit apart) within a day. Short
    repeats ("Thank you", "Sending hugs") are ordinary kindness, so only longer text counts."""
    if author is None or author.date_joined < timezone.now() - timedelta(
        days=settings.MODERATION_SPAM_NEW_ACCOUNT_DAYS
    ):
        return None
    if _LINK.search(text):
        return "link from a new account"
    body = normalise(text)
    if len(body.strip()) < settings.MODERATION_SPAM_MIN_REPEAT_CHARS:
        return None
    if _posted_elsewhere_today(author_id=author.pk, body=body, target_key=target_key):
        return "repeated text from a new account"
    return None


@when_cache_is_down(False)
def _posted_elsewhere_today(*, author_id: int, body: str, target_key: str) -> bool:
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    key = f"moderation:recent-text:{author_id}:{digest}"
    return not cache.add(key, target_key, timeout=24 * 3600) and cache.get(key) != target_key
