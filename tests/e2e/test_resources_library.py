"""In Chromium: the library's filters update the results in place (htmx) and keep the URL."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CancerTypeFactory, ResourceFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_choosing_a_filter_updates_results_without_reloading(live_server, page):
    sarcoma = CancerTypeFactory(name="Sarcoma", slug="sarcoma")
    ResourceFactory(title="Sarcoma UK", tags={"cancer_types": [sarcoma]})
    ResourceFactory(title="Carers UK", kind="organisation")
    page.goto(f"{live_server.url}/resources/")
    expect(page.get_by_role("heading", name="2 resources")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Cancer type").select_option(label="Sarcoma")
    expect(page.get_by_role("heading", name="1 resource", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Sarcoma UK")).to_be_visible()
    expect(page.get_by_role("link", name="Carers UK")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"cancer_type=sarcoma"))
    assert page.evaluate("window.notReloaded") is True  # swapped in place, no page load
    expect(page.get_by_role("status")).to_have_text("1 resource")  # announced

    page.get_by_label("Search").fill("carers")
    page.get_by_label("Cancer type").select_option(label="Any cancer type")
    expect(page.get_by_role("link", name="Carers UK")).to_be_visible()
    expect(page.get_by_role("link", name="Sarcoma UK")).to_have_count(0)
