"""Hostile input on pages and forms: a clear 4xx or an ignored parameter, never a 500, never an
exception in the log, and nothing written when the input is refused.

The property-based tests send what a hand-made request can carry: NUL bytes, lone surrogates
(sent as the raw UTF-8 bytes a browser would never produce), huge integers, deeply nested and very
long strings: in the query string of every URL pattern of the site, and in every field of every
form those pages show.
"""

import logging
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urljoin

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from forums.models import Post, Thread
from groups.forms import DirectoryFilterForm
from groups.meetings.models import RSVP
from groups.models import Membership
from moderation.forms import QueueFilterForm
from resources.forms import LibraryFilterForm
from resources.models import Resource
from tests.integration.conftest import World, every_page

pytestmark = pytest.mark.django_db

NASTY = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "99999999999999999999999",
    "99999999999999999999999_1",
    "1_99999999999999999999999",
    "-99999999999999999999999_-1",
    "-1",
    "1e999",
    "Infinity",
    "NaN",
    "²",
    "١٢",
    "%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\u202e\ufeff",
    "[" * 3000,
    "9" * 5000,
]
ALPHABET = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.just("\x00"))
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(ALPHABET, max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.builds(
        lambda unit, times: unit * times,
        st.sampled_from(["[", "{", "a", "\x00", "é", "\ud800"]),
        st.integers(min_value=1_000, max_value=6_000),
    ),
)
# Parameters some page reads, plus the fields of the filter forms sent by GET.
PARAMETERS = sorted(
    {"after", "sort", "q", "page", "parent", "quote", "next", "fmt"}
    | set(DirectoryFilterForm.base_fields)
    | set(LibraryFilterForm.base_fields)
    | set(QueueFilterForm.base_fields)
)
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def encode(value: str) -> str:
    """Percent-encoded UTF-8, lone surrogates included as their raw bytes."""
    return quote(value, safe="", errors="surrogatepass")


def form_body(data: dict[str, str]) -> str:
    return urlencode(data, encoding="utf-8", errors="surrogatepass")


def errors_logged(caplog) -> list[str]:
    """Errors other than Django's security log, which records each request it refused with a 400
    on purpose (a redirect too long to be safe, say)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and not r.name.startswith("django.security")
    ]


# --- the cases seen in use ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["after=99999999999999999999999_1", "after=-99999999999999999999999_1", "after=x_1"]
)
def test_a_board_cursor_nobody_could_have_made_shows_the_first_page(world, query):
    response = world.client.get(f"{reverse('forums:board', args=[world.board.slug])}?{query}")
    assert response.status_code == 200
    assert "Hello" in response.content.decode()


def test_a_nul_in_a_search_is_read_as_a_space(world):
    response = world.client.get("/forums/search/?q=reply%00")
    assert response.status_code == 200
    assert [hit.post for hit in response.context["page"].hits] == [world.post]


def test_a_calendar_feed_address_with_a_nul_is_not_found(client, world):
    assert client.get("/meetings/calendar/%00.ics").status_code == 404
    assert client.get(f"/meetings/calendar/{world.feed.token}.ics").status_code == 200


# --- properties ---------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(
    params=st.dictionaries(
        st.one_of(st.sampled_from(PARAMETERS), hostile_text), hostile_text, min_size=1, max_size=3
    )
)
def test_no_query_string_breaks_any_page(world, caplog, params):
    query = "&".join(f"{encode(key)}={encode(value)}" for key, value in params.items())
    for url in every_page(world):
        caplog.clear()
        response = world.client.get(f"{url}?{query}")
        assert response.status_code < 500, url
        assert not errors_logged(caplog), url


def snapshot(world: World) -> tuple:
    person = type(world.person).objects.values_list("display_name", "time_zone", "about_role")
    return (
        Thread.objects.count(),
        Post.objects.count(),
        RSVP.objects.count(),
        Resource.objects.count(),
        Membership.objects.count(),
        tuple(person.get(pk=world.person.pk)),
    )


FORMS = {
    "new thread": (
        lambda w: reverse("forums:new_thread", args=[w.board.slug]),
        ["title", "body", "content_warning", "is_anonymous", "topics", "action"],
    ),
    "reply": (
        lambda w: reverse("forums:reply", args=[w.thread.pk]),
        ["body", "content_warning", "is_anonymous", "parent", "action"],
    ),
    "rsvp": (lambda w: reverse("meetings:rsvp", args=[w.occurrence.pk]), ["going"]),
    "suggest a resource": (
        lambda w: reverse("resources:suggest"),
        ["title", "url", "kind", "summary", "cancer_types", "note"],
    ),
    "profile": (lambda w: reverse("profile"), ["display_name", "time_zone", "about_role"]),
}


@pytest.mark.parametrize("form", FORMS)
@hypothesis_settings(PROPERTY_SETTINGS, max_examples=15)  # one request each: cheap
@given(data=st.data())
def test_no_form_input_breaks_a_form_or_changes_anything_when_refused(world, caplog, form, data):
    url_of, fields = FORMS[form]
    values = data.draw(st.fixed_dictionaries(dict.fromkeys(fields, hostile_text)))
    before = snapshot(world)
    caplog.clear()
    response = world.client.post(
        url_of(world), form_body(values), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500
    assert not errors_logged(caplog)
    if response.status_code != 302:  # refused: the form came back
        assert snapshot(world) == before


class PostForms(HTMLParser):
    """The POST forms on one page, as (address, names of their fields)."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[tuple[str, list[str]]] = []
        self._open: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        if tag == "form" and (named.get("method") or "").lower() == "post":
            self._open = (urljoin(self.page, named.get("action") or self.page), set())
        elif self._open and tag in ("input", "select", "textarea", "button") and named.get("name"):
            self._open[1].add(named["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self._open:
            address, fields = self._open
            self.forms.append((address, sorted(fields - {"csrfmiddlewaretoken"})))
            self._open = None


@pytest.fixture
def every_form(world) -> dict[tuple[str, str], list[str]]:
    """Every POST form that any page shows the world's facilitator or a visitor (sign-in, sign-up
    and the like), by who sees it and where it posts to."""
    forms: dict[tuple[str, str], list[str]] = {}
    for who, client in (("facilitator", world.client), ("visitor", Client())):
        for url in every_page(world):
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                finder = PostForms(url)
                finder.feed(response.content.decode())
                for address, fields in finder.forms:
                    forms.setdefault((who, address), fields)
    return forms


@PROPERTY_SETTINGS
@given(data=st.data())
def test_no_input_breaks_any_form_on_any_page(world, every_form, caplog, data):
    assert len(every_form) > 40  # the walk found the site's forms
    for (who, address), fields in every_form.items():
        values = data.draw(st.fixed_dictionaries(dict.fromkeys(fields, hostile_text)), address)
        client = world.client if who == "facilitator" else Client()
        world.client.force_login(world.person)  # an earlier form may have signed them out
        before = snapshot(world)
        caplog.clear()
        response = client.post(
            address, form_body(values), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code < 500, address
        assert not errors_logged(caplog), address
        if response.status_code != 302:  # refused: the form came back
            assert snapshot(world) == before, address
