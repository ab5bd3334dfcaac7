import io

import pytest
from django.template import Context, Template

from resources import demo as resources_demo
from resources.models import Resource
from resources.selectors import LibraryFilters, for_group, library
from supportgroups import demo as people_demo
from tests.factories import (
    AudienceFactory,
    CancerTypeFactory,
    CountryFactory,
    ResourceFactory,
    SupportGroupFactory,
)

pytestmark = pytest.mark.django_db


def render_panel(group) -> str:
    return Template('{% include "resources/_group_panel.html" %}').render(Context({"group": group}))


def test_group_page_shows_resources_for_its_cancer_types_and_audiences(client):
    sarcoma = CancerTypeFactory(name="Sarcoma", slug="sarcoma")
    carers = AudienceFactory(name="Carers", slug="carers")
    group = SupportGroupFactory()
    group.cancer_types.add(sarcoma)
    group.audiences.add(carers)
    ResourceFactory(title="Sarcoma UK", tags={"cancer_types": [sarcoma]})
    ResourceFactory(title="Carers UK", tags={"audiences": [carers]})
    ResourceFactory(title="Both", tags={"cancer_types": [sarcoma], "audiences": [carers]})
    ResourceFactory(title="Sarcoma draft", state="draft", tags={"cancer_types": [sarcoma]})
    prostate = CancerTypeFactory(name="Prostate cancer", slug="prostate")
    ResourceFactory(title="Prostate Cancer UK", tags={"cancer_types": [prostate]})
    ResourceFactory(
        title="Prostate carers", tags={"cancer_types": [prostate], "audiences": [carers]}
    )
    html = client.get(group.get_absolute_url()).content.decode()
    assert "Resources for this group" in html
    assert html.count("Sarcoma UK") == 1 and "Carers UK" in html and html.count(">Both<") == 1
    assert "Sarcoma draft" not in html
    assert "Prostate" not in html  # about another cancer, even when for the same audience


def test_group_panel_puts_the_same_cancer_and_the_groups_country_first():
    sarcoma = CancerTypeFactory(name="Sarcoma", slug="sarcoma")
    carers = AudienceFactory(name="Carers", slug="carers")
    spain = CountryFactory(code="ES", name="Spain")
    usa = CountryFactory(code="US", name="United States")
    group = SupportGroupFactory(country="ES")
    group.cancer_types.add(sarcoma)
    group.audiences.add(carers)
    ResourceFactory(title="A: US carers", tags={"audiences": [carers], "countries": [usa]})
    ResourceFactory(title="B: Spanish carers", tags={"audiences": [carers], "countries": [spain]})
    ResourceFactory(title="C: US sarcoma", tags={"cancer_types": [sarcoma], "countries": [usa]})
    ResourceFactory(title="D: sarcoma anywhere", tags={"cancer_types": [sarcoma]})
    titles = [r.title for r in for_group(group)]
    assert titles == ["D: sarcoma anywhere", "C: US sarcoma", "B: Spanish carers", "A: US carers"]


def test_group_panel_query_count_and_empty_group(django_assert_num_queries):
    group = SupportGroupFactory()
    assert "Resources for this group" not in render_panel(group)  # nothing to match on
    group.cancer_types.add(CancerTypeFactory())
    for _ in range(8):
        ResourceFactory(tags={"cancer_types": list(group.cancer_types.all())})
    # one query: the group's cancer types and audiences are subqueries of it
    with django_assert_num_queries(1):
        html = render_panel(group)
    assert html.count("<li") == 5  # a short list; the library has the rest


def test_demo_library_is_real_varied_and_loads_twice_without_twins():
    out = io.StringIO()
    people_demo.load(out)
    resources_demo.load(out)
    count = Resource.objects.count()
    resources_demo.load(out)
    assert Resource.objects.count() == count >= 40
    published = Resource.objects.published()
    assert published.count() == count
    assert not published.filter(reviewed_by__isnull=True).exists()
    assert published.filter(reviewed_by__is_staff=True).count() == count
    assert published.values("countries__code").distinct().count() >= 8
    assert published.values("languages__code").distinct().count() >= 4
    assert published.filter(cancer_types__slug="rare").exists()  # rare-cancer networks
    assert Resource.objects.get(slug="macmillan-cancer-support").url == (
        "https://www.macmillan.org.uk/"
    )


def test_demo_resources_are_written_in_a_language_and_searched_in_it():
    out = io.StringIO()
    people_demo.load(out)
    resources_demo.load(out)
    written_in = dict(Resource.objects.values_list("slug", "language"))
    assert written_in["macmillan-cancer-support"] == "en"
    assert written_in["asociacion-espanola-contra-el-cancer"] == "es"
    assert written_in["ligue-contre-le-cancer"] == "fr"
    assert written_in["deutsche-krebshilfe"] == "de"
    assert written_in["king-hussein-cancer-center"] == "ar"
    # Each is offered in the language it is written in.
    for resource in Resource.objects.prefetch_related("languages"):
        assert resource.language in {lang.code for lang in resource.languages.all()}
    # Indexed in Spanish, so another form of a word finds it ("psicológico" is written).
    found = [r.slug for r in library(LibraryFilters(q="psicológica"))]
    assert "asociacion-espanola-contra-el-cancer" in found
    found = [r.slug for r in library(LibraryFilters(q="Information"))]  # "Informationen"
    assert "deutsche-krebshilfe" in found
