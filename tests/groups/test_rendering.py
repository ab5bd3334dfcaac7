"""The group directory and a group's page read exactly as they did before they were made cheaper
to render: compared with stored renderings (tests/groups/golden/, see tests/golden.py) for a
visitor, a member, a facilitator and people at other stages of joining, with meetings in the
reader's own time zone, a cancelled meeting, resources (one with a broken link), filters and
pages of results."""

import datetime as dt
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.template.loader import get_template

from groups.meetings import services as meetings
from groups.meetings.models import Occurrence
from groups.meetings.rendering import UPCOMING_TEMPLATES, upcoming_context
from groups.meetings.selectors import upcoming_for_group
from groups.models import SupportGroup
from groups.rendering import CARD_TEMPLATES, card_context
from groups.selectors import ListedGroup, facts_by_group
from resources.models import Resource
from resources.rendering import PANEL_TEMPLATES, panel_context
from resources.selectors import for_group
from tests.factories import (
    AudienceFactory,
    CancerTypeFactory,
    CountryFactory,
    FacilitatorMembershipFactory,
    LanguageFactory,
    MembershipFactory,
    ResourceFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)
from tests.golden import check, pin_sequences

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
START = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)  # late enough that London and Paris differ


@pytest.fixture
def scene():
    with time_machine.travel(START, tick=False):
        pin_sequences()
        yield _scene()


def _scene() -> dict:
    lung = CancerTypeFactory(name="Lung cancer", slug="lung")
    breast = CancerTypeFactory(name="Breast cancer", slug="breast")
    patients = AudienceFactory(name="People with cancer", slug="patients")
    carers = AudienceFactory(name="Carers", slug="carers")
    english = LanguageFactory(code="en", name="English")
    french = LanguageFactory(code="fr", name="French")
    CountryFactory(code="GB", name="United Kingdom")
    formats = ["online", "in_person", "hybrid"]
    for i in range(13):
        other = SupportGroupFactory(
            name=f"Circle {i:02d}",
            slug=f"circle-{i:02d}",
            format=formats[i % 3],
            city=["Leeds", "", "Lyon"][i % 3],
            country=["GB", "", "FR"][i % 3],
            join_policy=["open", "approval", "invitation"][i % 3],
        )
        other.cancer_types.set([lung, breast][: 1 + i % 2])
        other.audiences.set([[patients], [carers], []][i % 3])
        other.languages.set([[english], [english, french], [french]][i % 3])
    SupportGroupFactory(name="Hidden circle", is_listed=False)
    cohort = SupportGroupFactory(
        name="Spring cohort",
        slug="spring-cohort",
        kind="cohort",
        cohort_starts_on=dt.date(2026, 3, 2),
        cohort_ends_on=dt.date(2026, 5, 25),
    )
    cohort.cancer_types.set([breast])

    group = SupportGroupFactory(
        name="Tuesday circle",
        slug="tuesday-circle",
        summary="Lung cancer, Tuesday evenings.",
        description="We meet **weekly**.\n\n- cameras optional\n- [our guide](https://example.org/guide)",
        city="Leeds",
        country="GB",
        capacity=12,
    )
    group.cancer_types.set([lung])
    group.audiences.set([patients, carers])
    group.languages.set([english])
    fay = FacilitatorMembershipFactory(
        group=group, user=UserFactory(display_name="Fay", time_zone="America/New_York")
    ).user
    FacilitatorMembershipFactory(group=group, user=UserFactory(display_name="Sam"))
    marta = MembershipFactory(
        group=group,
        user=UserFactory(display_name="Marta", time_zone="Europe/Paris"),
        last_active_at=START,
    ).user
    pending = MembershipFactory(
        group=group, user=UserFactory(display_name="Pia"), state="pending"
    ).user
    series = meetings.create_series(
        group=group, created_by=fay, title="Tuesday evening", starts_on=dt.date(2026, 3, 10),
        start_time=dt.time(18, 30), duration_minutes=90, time_zone="Europe/London",
        recurrence="weekly", place="Room 4, Maggie's Leeds",
        join_url="https://video.example.org/tuesday", now=START,
    )  # fmt: skip
    second = Occurrence.objects.filter(series=series).order_by("starts_at")[1]
    meetings.cancel_occurrence(occurrence=second)
    ResourceFactory(title="Lung helpline", slug="lung-helpline", tags={"cancer_types": [lung]})
    ResourceFactory(title="Carers together", slug="carers-together", tags={"audiences": [carers]})
    ResourceFactory(
        title="Old lung leaflet", slug="old-lung-leaflet", link_status="broken",
        last_checked_at=START - timedelta(days=3), tags={"cancer_types": [lung]},
    )  # fmt: skip
    ResourceFactory(title="Breast care", slug="breast-care", tags={"cancer_types": [breast]})
    return {
        "group": group,
        "cohort": cohort,
        "marta": marta,
        "fay": fay,
        "pia": pending,
        "otto": UserFactory(display_name="Otto", time_zone="Europe/London"),
    }


@pytest.mark.parametrize("viewer", [None, "marta", "fay", "pia", "otto"])
def test_group_page_reads_exactly_as_before(scene, viewer):
    client = client_for(scene[viewer] if viewer else None)
    name = viewer or "anonymous"
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        for _fresh_then_kept in range(2):  # a visitor's second is the kept page
            page = client.get("/groups/tuesday-circle/").content.decode()
            check(GOLDEN, f"group_{name}", page)
            if viewer in (None, "otto"):
                page = client.get("/groups/spring-cohort/").content.decode()
                check(GOLDEN, f"cohort_{name}", page)


@pytest.mark.parametrize("viewer", [None, "marta"])
def test_directory_reads_exactly_as_before(scene, viewer):
    client = client_for(scene[viewer] if viewer else None)
    name = viewer or "anonymous"
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        for _fresh_then_kept in range(2):  # a visitor's second is the kept page
            check(GOLDEN, f"directory_{name}", client.get("/groups/").content.decode())
        if viewer is None:
            for suffix, query in 2 * [  # each twice: fresh, then kept
                ("page2", "page=2"),
                ("lung_in_english", "cancer_type=lung&language=en"),
                ("unknown_filter", "cancer_type=nonsense&q=circle"),
            ]:
                page = client.get(f"/groups/?{query}").content.decode()
                check(GOLDEN, f"directory_{name}_{suffix}", page)
            results = client.get("/groups/?page=2", HTTP_HX_REQUEST="true").content.decode()
            check(GOLDEN, "directory_results_htmx", results)
    assert SupportGroup.objects.listed().count() == 15


def test_the_card_template_reads_only_what_the_cached_context_holds(scene):
    """A field the card reads but card_context() leaves out would print as nothing, silently."""
    group = SupportGroup.objects.get(slug="spring-cohort")
    listed = ListedGroup(group=group, facts=facts_by_group([group])[group.pk])
    context = card_context(listed, link=lambda slug: f"/groups/{slug}/", formats={}, policies={})
    source = get_template(CARD_TEMPLATES[0]).template.source
    read = set(re.findall(r"\bgroup\.(\w+)", source))
    assert read and read <= set(context["group"]), read - set(context["group"])
    assert context["group"]["url"] == "/groups/spring-cohort/"


def test_the_panels_items_read_only_what_their_cached_context_holds(scene):
    """The next meetings and the resources on a group page are cached by what they show."""
    group = scene["group"]
    occurrence = upcoming_for_group(group=group)[0]
    resource = for_group(group)[0]
    cases = [
        (
            UPCOMING_TEMPLATES,
            "occurrence",
            upcoming_context(occurrence, link=str, can_view_private=True, zone="UTC"),
        ),
        (PANEL_TEMPLATES, "resource", panel_context(resource, link=str, kinds={}, zone="UTC")),
    ]
    for names, variable, context in cases:
        source = "".join(get_template(name).template.source for name in names)
        read = set(re.findall(rf"\b{variable}\.(\w+)", source))
        assert read and read <= set(context[variable]), read - set(context[variable])
        series = set(re.findall(r"\bseries\.(\w+)", source))
        assert series <= set(context[variable].get("series", {})), series
        names_read = set(re.findall(r"\b(viewer_zone|can_view_private)\b", source))
        assert names_read <= set(context), names_read - set(context)


def test_a_cached_panel_shows_each_reader_the_day_in_their_own_time_zone(scene):
    """The resources panel is cached: a link checked late in the evening, London time, was
    checked on the next day in Paris, and each reader still reads their own day."""
    late = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)
    Resource.objects.filter(slug="old-lung-leaflet").update(last_checked_at=late)
    for person, day in [("otto", "6 March 2026"), ("marta", "7 March 2026"), ("otto", "6 March")]:
        page = client_for(scene[person]).get("/groups/tuesday-circle/").content.decode()
        assert f"When we checked it on {day}" in page, person
