import pytest
from django.db import connection
from django.urls import reverse

from resources.models import Resource
from resources.selectors import search
from tests.factories import (
    AudienceFactory,
    CancerTypeFactory,
    CountryFactory,
    LanguageFactory,
    ResourceFactory,
    ResourceTopicFactory,
    UserFactory,
    client_for,
)

from .conftest import crisis_line

pytestmark = pytest.mark.django_db
LIBRARY = reverse("resources:library")


def titles(response) -> set[str]:
    return {r.title for r in response.context["page"]}


@pytest.fixture
def tagged():
    """Two published resources that differ on every filter, and a draft matching all of A's."""
    breast = CancerTypeFactory(name="Breast cancer", slug="breast")
    bowel = CancerTypeFactory(name="Bowel cancer", slug="bowel")
    money = ResourceTopicFactory(name="Money", slug="money")
    grief = ResourceTopicFactory(name="Grief", slug="grief")
    carers = AudienceFactory(name="Carers", slug="carers")
    teens = AudienceFactory(name="Teens", slug="teens")
    en = LanguageFactory(code="en", name="English")
    es = LanguageFactory(code="es", name="Español")
    gb = CountryFactory(code="GB", name="United Kingdom")
    es_country = CountryFactory(code="ES", name="Spain")
    a_tags = {
        "cancer_types": [breast],
        "topics": [money],
        "audiences": [carers],
        "languages": [en],
        "countries": [gb],
    }
    a = ResourceFactory(title="Alpha guide", kind="guide", tags=a_tags)
    b = ResourceFactory(
        title="Beta video",
        kind="video",
        tags={
            "cancer_types": [bowel],
            "topics": [grief],
            "audiences": [teens],
            "languages": [es],
            "countries": [es_country],
        },
    )
    ResourceFactory(title="Alpha draft", kind="guide", state="draft", tags=a_tags)
    return a, b


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "guide"},
        {"cancer_type": "breast"},
        {"topic": "money"},
        {"audience": "carers"},
        {"language": "en"},
        {"country": "GB"},
    ],
)
def test_each_filter_alone_keeps_only_matches(client, tagged, params):
    response = client.get(LIBRARY, params)
    assert response.status_code == 200
    assert titles(response) == {"Alpha guide"}  # never Beta, never the draft


def test_no_filter_lists_every_published_resource_and_no_draft(client, tagged):
    assert titles(client.get(LIBRARY)) == {"Alpha guide", "Beta video"}


def test_filters_combine_with_and(client, tagged):
    both = {"kind": "video", "cancer_type": "bowel", "language": "es", "country": "ES"}
    assert titles(client.get(LIBRARY, both)) == {"Beta video"}
    clash = {"kind": "video", "cancer_type": "breast"}
    response = client.get(LIBRARY, clash)
    assert titles(response) == set()
    assert "Nothing matches these filters" in response.content.decode()


def test_country_filter_keeps_resources_useful_everywhere(client, tagged):
    ResourceFactory(title="Worldwide app", kind="app")  # no country: useful everywhere
    assert titles(client.get(LIBRARY, {"country": "GB"})) == {"Alpha guide", "Worldwide app"}


def test_resource_with_several_matching_tags_is_listed_once(client, tagged):
    a, _ = tagged
    a.countries.add(CountryFactory(code="IE", name="Ireland"))
    response = client.get(LIBRARY, {"country": "GB"})
    assert [r.title for r in response.context["page"]] == ["Alpha guide"]


def test_unknown_filter_value_is_reported_and_ignored(client, tagged):
    response = client.get(LIBRARY, {"topic": "no-such-topic", "kind": "guide"})
    assert response.status_code == 200
    assert response.context["form"].errors["topic"]
    assert titles(response) == {"Alpha guide"}


def test_search_matches_title_summary_and_body_words(client):
    ResourceFactory(title="Eating well during chemotherapy", summary="Food tips.")
    ResourceFactory(title="Paying the bills", summary="Benefits when you cannot work.")
    ResourceFactory(title="A book", url="", body="A memoir about **grief** and hope.")
    assert titles(client.get(LIBRARY, {"q": "chemotherapy"})) == {"Eating well during chemotherapy"}
    assert titles(client.get(LIBRARY, {"q": "benefits"})) == {"Paying the bills"}
    assert titles(client.get(LIBRARY, {"q": "grief"})) == {"A book"}
    assert titles(client.get(LIBRARY, {"q": "nothing-like-this"})) == set()


def test_search_is_stemmed_and_combines_with_filters(client):
    ResourceFactory(title="Living with brain tumours", kind="guide")
    ResourceFactory(title="Brain tumour charity", kind="organisation")
    assert titles(client.get(LIBRARY, {"q": "tumour"})) == {
        "Living with brain tumours",
        "Brain tumour charity",
    }
    assert titles(client.get(LIBRARY, {"q": "tumour", "kind": "guide"})) == {
        "Living with brain tumours"
    }


def test_htmx_request_gets_only_the_results(client, tagged):
    response = client.get(LIBRARY, {"kind": "guide"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Alpha guide" in html
    # and the count, out of band, into the page's live region for screen readers
    assert '<span id="library-status" hx-swap-oob="innerHTML">1 resource</span>' in html


def test_filter_form_works_without_javascript(client, tagged):
    html = client.get(LIBRARY).content.decode()
    assert 'method="get"' in html and 'role="search"' in html
    for name in ("q", "kind", "cancer_type", "topic", "audience", "language", "country"):
        assert f'for="id_{name}"' in html  # every control has a label


def test_pagination_keeps_the_filters(client, settings):
    settings.RESOURCES_PAGE_SIZE = 2
    for _ in range(5):
        ResourceFactory(kind="guide")
    ResourceFactory(kind="video")
    response = client.get(LIBRARY, {"kind": "guide", "page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"]) == 2
    assert "kind=guide&amp;page=3" in response.content.decode()
    assert client.get(LIBRARY, {"page": "999"}).status_code == 200  # last page, never a 500


def test_library_query_count_does_not_grow_with_resources(
    client, tagged, django_assert_num_queries
):
    # Anonymous visitor with two filters chosen: 2 lookups of the chosen filter values, 1 count,
    # 1 page of resources, 3 prefetches (topics, languages, countries), 5 filter option lists,
    # 1 for the country's crisis lines.
    params = {"country": "GB", "language": "en"}
    with django_assert_num_queries(13):
        response = client.get(LIBRARY, params)
    assert len(response.context["page"]) == 1
    a, _ = tagged
    for _ in range(12):
        tags = {name: list(getattr(a, name).all()) for name in ("countries", "languages", "topics")}
        ResourceFactory(tags=tags)
    with django_assert_num_queries(13):
        response = client.get(LIBRARY, params)
    assert len(response.context["page"]) == 13


def test_library_query_count_for_a_signed_in_member(
    member_client, tagged, django_assert_num_queries
):
    crisis_line(name="A line for the UK", country="GB")  # the member's zone is Europe/London
    # session, user (2); the chosen language (1); count, page, 3 prefetches (5); 5 filter option
    # lists (5); crisis lines for where the member lives (1); can_curate: the member's and their
    # groups' permissions, facilitated groups (3); the header's unread count and whether it
    # links to the moderation queue are worked out at sign-in and kept (supportgroups.live).
    with django_assert_num_queries(17):
        member_client.get(LIBRARY, {"language": "en"})
    a, _ = tagged
    for _ in range(12):
        ResourceFactory(tags={"languages": list(a.languages.all())})
    with django_assert_num_queries(17):
        response = member_client.get(LIBRARY, {"language": "en"})
    assert len(response.context["page"]) == 13


def test_broken_link_is_shown_with_a_warning(client):
    ResourceFactory(title="Moved charity", link_status=Resource.LinkStatus.BROKEN)
    ResourceFactory(title="Fine charity", link_status=Resource.LinkStatus.OK)
    html = client.get(LIBRARY).content.decode()
    assert html.count("This link may not work") == 1


def test_crisis_lines_come_from_moderation_for_the_chosen_country(
    client, tagged, no_seeded_crisis_lines
):
    crisis_line(name="Befrienders Worldwide", url="https://befrienders.org/")
    crisis_line(name="Samaritans", country="GB", phone="116 123", hours="24 hours")
    crisis_line(name="Shout", country="GB", text="Text SHOUT to 85258")
    crisis_line(name="Teléfono de la Esperanza", country="ES", language="es")
    crisis_line(name="Línea en español", country="GB", language="es")
    crisis_line(name="Closed line", country="GB", active=False)
    html = client.get(LIBRARY, {"country": "GB", "language": "es"}).content.decode()
    assert 'href="tel:116 123"' in html and "24 hours" in html and "Text SHOUT to 85258" in html
    assert "Esperanza" not in html and "Closed line" not in html
    # The country's lines first, in the chosen language first, then international ones.
    order = ["Línea en español", "Samaritans", "Shout", "Befrienders Worldwide"]
    assert sorted(order, key=html.index) == order
    # Another kind of resource chosen: the crisis section is not repeated above it.
    assert "Samaritans" not in client.get(LIBRARY, {"kind": "book"}).content.decode()


def test_without_a_country_the_reader_gets_lines_for_where_they_live(
    client, no_seeded_crisis_lines
):
    crisis_line(name="Befrienders Worldwide", url="https://befrienders.org/")
    crisis_line(name="Lifeline Australia", country="AU", phone="13 11 14")
    html = client.get(LIBRARY).content.decode()  # a visitor: we do not know where they are
    assert "Befrienders Worldwide" in html and "Lifeline Australia" not in html
    assert "Choose your country" in html
    sydney = client_for(UserFactory(time_zone="Australia/Sydney"))
    html = sydney.get(LIBRARY).content.decode()
    # Their country's line first; the international ones still follow (someone travelling).
    assert html.index("Lifeline Australia") < html.index("Befrienders Worldwide")


def test_history_restore_gets_the_whole_page_and_responses_vary_on_htmx(client, tagged):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get(LIBRARY, {"kind": "guide"}, headers=headers)
    html = response.content.decode()
    assert "<html" in html and html.count('id="library-status"') == 1
    assert "HX-Request" in response.headers["Vary"]


def test_search_uses_the_postgresql_index(settings):
    """The GIN index (migration 0002) only helps while its expression equals the query's."""
    if not settings.USING_POSTGRES:
        pytest.skip("full-text search index is PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "resources_search_gin" in search(Resource.objects.all(), "fatigue").explain()
