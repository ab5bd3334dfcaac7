"""The directory: each filter alone, combined, free-text search, bad input, htmx, query count."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import selectors
from groups.models import SupportGroup
from groups.selectors import DirectoryFilters, directory_groups
from tests.factories import (
    AudienceFactory,
    CancerTypeFactory,
    LanguageFactory,
    OccurrenceFactory,
    SupportGroupFactory,
    UserFactory,
    client_for,
)

pytestmark = pytest.mark.django_db
URL = reverse("groups:directory")


@pytest.fixture
def catalogue():
    breast = CancerTypeFactory(name="Breast cancer", slug="breast")
    prostate = CancerTypeFactory(name="Prostate cancer", slug="prostate")
    carers = AudienceFactory(name="Caregivers", slug="caregivers")
    patients = AudienceFactory(name="Patients", slug="patients")
    english = LanguageFactory(code="en", name="English")
    spanish = LanguageFactory(code="es", name="Spanish")

    def group(name, summary, cancer, audience, language, fmt, country):
        g = SupportGroupFactory(name=name, summary=summary, format=fmt, country=country)
        g.cancer_types.add(cancer)
        g.audiences.add(audience)
        g.languages.add(language)
        return g

    return {
        "london_breast": group(
            "Breast friends London", "Evening circle", breast, patients, english, "in_person", "GB"
        ),
        "online_carers": group(
            "Caring for someone", "Online carers' space", prostate, carers, english, "online", ""
        ),
        "madrid": group(
            "Cuidadores Madrid", "Grupo de apoyo", breast, carers, spanish, "hybrid", "ES"
        ),
        "prostate_men": group(
            "Prostate talk", "Men talking openly", prostate, patients, english, "online", "GB"
        ),
        "unlisted": SupportGroupFactory(name="Hidden breast group", is_listed=False),
        "archived": SupportGroupFactory(name="Old breast group", is_archived=True),
    }


def names(**filters):
    return sorted(g.name for g in directory_groups(filters=DirectoryFilters(**filters)))


def test_no_filter_lists_listed_active_groups_only(catalogue):
    assert names() == [
        "Breast friends London",
        "Caring for someone",
        "Cuidadores Madrid",
        "Prostate talk",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"cancer_type": "breast"}, ["Breast friends London", "Cuidadores Madrid"]),
        ({"audience": "caregivers"}, ["Caring for someone", "Cuidadores Madrid"]),
        ({"format": "online"}, ["Caring for someone", "Prostate talk"]),
        ({"language": "es"}, ["Cuidadores Madrid"]),
        ({"country": "GB"}, ["Breast friends London", "Prostate talk"]),
        ({"q": "carers"}, ["Caring for someone"]),
        ({"q": "PROSTATE"}, ["Prostate talk"]),
        ({"q": "men openly"}, ["Prostate talk"]),
        ({"q": "apoyo"}, ["Cuidadores Madrid"]),
    ],
)
def test_each_filter_alone(catalogue, filters, expected):
    assert names(**filters) == expected


def test_filters_combined(catalogue):
    assert names(cancer_type="breast", audience="caregivers") == ["Cuidadores Madrid"]
    assert names(format="online", country="GB", language="en") == ["Prostate talk"]
    assert names(cancer_type="breast", q="london", country="GB") == ["Breast friends London"]
    assert names(cancer_type="prostate", language="es") == []


def test_meets_this_week_lists_groups_meeting_in_the_next_seven_days(catalogue):
    assert names(meets_this_week=True) == [], "these groups have no meetings yet"
    now = timezone.now()
    OccurrenceFactory(series__group=catalogue["madrid"], starts_at=now + timedelta(days=6))
    OccurrenceFactory(series__group=catalogue["prostate_men"], starts_at=now + timedelta(days=8))
    assert names(meets_this_week=True) == ["Cuidadores Madrid"]
    assert names(meets_this_week=True, language="en") == []


def test_page_holds_filters_in_the_url_and_shows_the_count(client, catalogue):
    response = client.get(URL, {"cancer_type": "breast", "q": "madrid"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 group found" in body
    assert "Cuidadores Madrid" in body and "Breast friends London" not in body
    assert 'value="madrid"' in body, "the form keeps what was typed"
    assert 'hx-get="/groups/"' in body and 'method="get"' in body


def test_unknown_filter_values_are_ignored_with_a_message_not_a_500(client, catalogue):
    response = client.get(
        URL, {"cancer_type": "nonsense", "format": "zeppelin", "country": "GB", "page": "x"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Some filters were not recognised" in body
    assert "2 groups found" in body, "the valid country filter still applies"


def test_htmx_request_gets_only_the_results(client, catalogue):
    response = client.get(URL, {"audience": "caregivers"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "2 groups found" in body
    assert "<form" not in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_pagination(client):
    for n in range(14):
        SupportGroupFactory(name=f"Group {n:02}")
    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()
    assert "14 groups found" in first
    assert "Group 00" in first and "Group 12" not in first
    assert "Group 12" in second and "Page 2 of 2" in second


def test_query_count_is_constant_in_the_number_of_groups(client, django_assert_num_queries):
    def add_groups(count):
        for _ in range(count):
            g = SupportGroupFactory(country="GB")
            g.cancer_types.add(CancerTypeFactory())
            g.audiences.add(AudienceFactory())
            g.languages.add(LanguageFactory())

    add_groups(2)
    # the filters' choices (cancer types, audiences, languages and countries in one query;
    # formats are static), the count, the page of groups, and their cancer types, audiences
    # and languages (one query).
    with django_assert_num_queries(4):
        client.get(URL, {"country": "GB"})
    add_groups(8)
    with django_assert_num_queries(4):
        response = client.get(URL, {"country": "GB"})
    assert "10 groups found" in response.content.decode()


def test_country_filter_and_cards_show_country_names_not_codes(client, catalogue):
    body = client.get(URL).content.decode()
    assert '<option value="ES">Spain</option>' in body
    assert '<option value="GB">United Kingdom</option>' in body
    assert body.index(">Spain<") < body.index(">United Kingdom<"), "ordered by name"
    assert "(United Kingdom)" in body and "(GB)" not in body  # the group cards
    assert selectors.directory_choices()["country"] == [("ES", "Spain"), ("GB", "United Kingdom")]


# --- kept whole (supportgroups.versions) ------------------------------------------------------


def main_part(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def group_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "groups_supportgroup" in q["sql"]]


def test_members_get_the_visitors_directory_kept_whole(catalogue):
    visitor, member = client_for(None), client_for(UserFactory())
    # Within one minute: a kept part is never given after the next.
    with time_machine.travel(timezone.now(), tick=False):
        shown = main_part(visitor.get(URL, {"audience": "caregivers"}))
        with CaptureQueriesContext(connection) as queries:
            again = main_part(member.get(URL, {"audience": "caregivers"}))
    assert again == shown and "2 groups found" in again
    assert group_queries(queries.captured_queries) == [], "kept: no directory query runs"
    results = member.get(URL, {"audience": "caregivers"}, headers={"HX-Request": "true"})
    assert "2 groups found" in results.content.decode() and "<form" not in results.content.decode()


def test_a_change_to_a_group_shows_at_the_next_request(catalogue):
    member = client_for(UserFactory())
    assert "Caring for someone" in main_part(member.get(URL))
    group = catalogue["online_carers"]
    group.name = "Carers together"
    group.save()
    body = main_part(member.get(URL))
    assert "Carers together" in body and "Caring for someone" not in body
    group.audiences.clear()  # a write to a link table alone
    assert "1 group found" in member.get(URL, {"audience": "caregivers"}).content.decode()
    SupportGroup.objects.filter(pk=group.pk).update(is_listed=False)  # no save(): noticed as SQL
    assert "Carers together" not in main_part(member.get(URL))


def test_a_new_meeting_shows_in_meets_this_week_at_the_next_request(catalogue):
    member = client_for(UserFactory())
    asked = {"meets_this_week": "on"}
    assert "0 groups found" in member.get(URL, asked).content.decode()
    OccurrenceFactory(series__group=catalogue["madrid"], starts_at=timezone.now() + timedelta(1))
    assert "1 group found" in member.get(URL, asked).content.decode()


def test_the_directory_answers_while_the_cache_is_down(settings, catalogue):
    live = settings.CACHES["default"]
    settings.CACHES = {"default": {**live, "LOCATION": "redis://127.0.0.1:1/0"}}  # refused
    try:
        for _ in range(2):
            response = client_for(UserFactory()).get(URL, {"audience": "caregivers"})
            assert response.status_code == 200
            assert "2 groups found" in response.content.decode()
    finally:
        settings.CACHES = {"default": live}
