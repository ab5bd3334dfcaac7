"""The link checker against a real HTTP server on 127.0.0.1 (never the internet)."""

import time

import pytest
from django.conf import settings as django_settings

from resources import services, tasks
from resources.models import Resource
from supportgroups.celery import app as celery_app
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def check(resource) -> Resource:
    return services.check_link(resource_id=resource.pk)


def test_working_page_is_ok(local_site):
    resource = check(ResourceFactory(url=f"{local_site}/ok", link_failures=1))
    assert (resource.link_status, resource.link_failures) == ("ok", 0)
    assert resource.link_detail == "HTTP 200" and resource.last_checked_at is not None


def test_missing_page_is_broken_at_once_and_readers_are_warned(local_site, client):
    resource = check(ResourceFactory(url=f"{local_site}/missing"))
    assert resource.link_status == "broken" and resource.link_detail == "HTTP 404"
    assert "This link may not work" in client.get(resource.get_absolute_url()).content.decode()


def test_head_refused_falls_back_to_get(local_site):
    assert check(ResourceFactory(url=f"{local_site}/no-head")).link_status == "ok"


def test_redirect_to_a_working_page_is_ok(local_site):
    assert check(ResourceFactory(url=f"{local_site}/moved")).link_status == "ok"


def test_timeout_is_broken_only_when_it_repeats(local_site):
    resource = ResourceFactory(url=f"{local_site}/slow", link_status="ok")
    started = time.monotonic()
    resource = check(resource)
    assert time.monotonic() - started < 1.9  # gave up at the timeout, did not wait for the page
    assert (resource.link_status, resource.link_detail) == ("unknown", "timed out")
    resource = check(resource)
    assert (resource.link_status, resource.link_failures) == ("broken", 2)


def test_server_error_is_uncertain_at_first(local_site):
    resource = check(ResourceFactory(url=f"{local_site}/error"))
    assert (resource.link_status, resource.link_detail) == ("unknown", "HTTP 503")


def test_private_addresses_are_never_fetched_in_production(local_site, settings):
    settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE = False
    resource = check(ResourceFactory(url=f"{local_site}/ok"))
    assert resource.link_status == "broken" and resource.link_detail == "not a public address"


def test_result_is_not_written_over_an_address_changed_meanwhile(local_site):
    resource = ResourceFactory(url=f"{local_site}/missing")
    Resource.objects.filter(pk=resource.pk).update(url=f"{local_site}/ok")
    services.check_link(resource_id=resource.pk)  # probes the address it read first
    resource.refresh_from_db()
    assert resource.url.endswith("/ok")


@pytest.fixture
def eager_celery():
    """Runs .delay() in-process: this checks the fan-out and the services, not the broker."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_weekly_task_checks_every_address_but_declined_ones(local_site, eager_celery):
    ok = ResourceFactory(url=f"{local_site}/ok")
    draft = ResourceFactory(url=f"{local_site}/missing", state="draft")
    declined = ResourceFactory(url=f"{local_site}/missing?declined", state="declined")
    ResourceFactory(url="", body="A book.")  # nothing to check
    assert tasks.check_all_links.delay().get() == 2
    statuses = dict(Resource.objects.values_list("pk", "link_status"))
    assert statuses[ok.pk] == "ok" and statuses[draft.pk] == "broken"
    assert statuses[declined.pk] == "unknown"


def test_weekly_beat_entry():
    entry = django_settings.CELERY_BEAT_SCHEDULE["resources-check-links-weekly"]
    assert entry["task"] == "resources.tasks.check_all_links"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].day_of_week == {0}  # once a week, on Sunday
