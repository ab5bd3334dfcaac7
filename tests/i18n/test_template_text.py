"""No user-facing words in a template outside translation tags: a scanner over templates/.

It reads each template with Django's own lexer and looks at the text between tags that is not
inside {% translate %}/{% blocktranslate %} or a comment: the text of the elements and the
attributes people read (alt, title, placeholder, aria-label, aria-description, value of a
button). Words there fail the test; numbers, punctuation and symbols are fine. No database."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = settings.BASE_DIR / "templates"
SCANNED = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})
READ_ATTRIBUTES = re.compile(
    r"""\b(?:alt|title|placeholder|aria-label|aria-description|aria-roledescription)\s*=\s*
        (?:"([^"]*)"|'([^']*)')""",
    re.VERBOSE | re.IGNORECASE,
)
TAG = re.compile(r"<[^>]*>", re.DOTALL)
HIDDEN_ELEMENTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more in any script
# Text that reads the same in every language: the site's wordmark-free symbols and codes.
SAME_IN_EVERY_LANGUAGE = {"SMS", "URL", "ICS", "iCal"}


def untranslated_words(source: str) -> list[str]:
    """The words outside translation tags (and outside comments, script and style)."""
    outside, depth, blocks = [], 0, []
    for token in Lexer(source).tokenize():
        if token.token_type is TokenType.BLOCK:
            name, *args = token.contents.split() or [""]
            if name in ("blocktranslate", "blocktrans", "comment"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment"):
                depth -= 1
            elif name == "block":
                blocks.append(args[0] if args else "")
                # A block that fills in a class name ({% block main_class %}) holds no words.
                depth += blocks[-1].endswith("class")
            elif name == "endblock" and blocks:
                depth -= blocks.pop().endswith("class")
            outside.append(" \x00 ")  # a tag separates text
        elif token.token_type is TokenType.VAR:
            outside.append(" \x00 ")
        elif token.token_type is TokenType.TEXT and depth == 0:
            outside.append(token.contents)
    text = HIDDEN_ELEMENTS.sub(" ", "".join(outside))
    read = [a or b for a, b in READ_ATTRIBUTES.findall(text)]
    between_tags = TAG.sub(" ", text)
    found = []
    for piece in [between_tags, *read]:
        found += [w for w in WORD.findall(html.unescape(piece)) if w not in SAME_IN_EVERY_LANGUAGE]
    return found


@pytest.mark.parametrize("template", SCANNED, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_words_outside_translation_tags(template: Path):
    words = untranslated_words(template.read_text(encoding="utf-8"))
    assert not words, f"{template.relative_to(TEMPLATES)}: untranslated text {words[:10]}"


def test_the_scanner_finds_words_outside_tags_and_only_there():
    assert untranslated_words('<p>{% translate "Hello" %} there</p>') == ["there"]
    assert untranslated_words('<img alt="A photo" src="{{ src }}">') == ["photo"]
    assert untranslated_words("{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}") == []
    assert untranslated_words('<span aria-label="{% translate "Menu" %}">·</span> 3 / 4') == []
    assert untranslated_words("{% comment %}Notes for us{% endcomment %}<script>x()</script>") == []
    assert untranslated_words("<p>مرحبا</p>") == ["مرحبا"]
    assert untranslated_words("{% block main_class %}narrow-page{% endblock %}") == []
