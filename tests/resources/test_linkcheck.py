"""The link checker against a real HTTP server on 127.0.0.1 (never the internet)."""

import time
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

from resources import linkcheck, services, tasks
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
    assert tasks.check_all_links.apply_async(ignore_result=False).get() == 2
    statuses = dict(Resource.objects.values_list("pk", "link_status"))
    assert statuses[ok.pk] == "ok" and statuses[draft.pk] == "broken"
    assert statuses[declined.pk] == "unknown"


def test_weekly_beat_entry():
    entry = django_settings.CELERY_BEAT_SCHEDULE["resources-check-links-weekly"]
    assert entry["task"] == "resources.tasks.check_all_links"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].day_of_week == {0}  # once a week, on Sunday


# --- Vetting: the checker connects only to public addresses it has checked, on 80 and 443. ---

PUBLIC = "93.184.215.14"  # never connected to: each test is refused before, or pins elsewhere


class FakeDNS:
    """DNS for made-up names: ``answers[name]`` is one answer per lookup in turn (the last one
    repeats); ``lookups`` lists the names asked. Other names resolve as usual."""

    def __init__(self, real):
        self.real = real
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        if host not in self.answers:
            return self.real(host, port)
        self.lookups.append(host)
        queue = self.answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def dns(monkeypatch) -> FakeDNS:
    """The checker's own resolver, the one place it asks DNS, answering from a table."""
    fake = FakeDNS(linkcheck._resolve)
    monkeypatch.setattr(linkcheck, "_resolve", fake)
    return fake


def probe(url):
    return linkcheck.probe(url, timeout=0.5)


def test_a_name_that_resolves_to_a_private_address_is_refused(settings, dns):
    settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE = False
    assert probe("http://localhost/ok").detail == "not a public address"  # the real resolver
    dns.answers["intranet.example.org"] = [["10.1.2.3"]]
    dns.answers["split.example.org"] = [[PUBLIC, "192.168.1.10"]]
    for url in ("http://intranet.example.org/", "https://split.example.org/"):
        assert probe(url) == linkcheck.Probe(linkcheck.Outcome.BROKEN, "not a public address")


def test_the_connection_goes_to_the_address_that_was_checked(local_server, dns):
    """DNS rebinding: the name answers a checked address first and an inside one afterwards;
    the checker connects to the first and never asks again for that hop."""
    port = local_server.server_address[1]
    dns.answers["links.example.org"] = [["127.0.0.1"], ["10.9.9.9"]]
    result = probe(f"http://links.example.org:{port}/ok")
    assert result == linkcheck.Probe(linkcheck.Outcome.OK, "HTTP 200")
    assert dns.lookups == ["links.example.org"]
    assert local_server.hosts == [f"links.example.org:{port}"]  # the site's name, not the address


def test_a_redirect_is_vetted_like_the_first_address(local_site, dns):
    dns.answers["inside.example.org"] = [["169.254.169.254"]]  # cloud metadata
    dns.answers["links.example.org"] = [[PUBLIC]]
    for to, detail in [
        ("http://10.255.255.1/ok", "not a public address"),
        ("http://inside.example.org/latest/meta-data/", "not a public address"),
        ("http://links.example.org:8080/", "not a usual web port (80 or 443)"),
        ("file:///etc/passwd", "not an http(s) address"),
    ]:
        started = time.monotonic()
        assert probe(f"{local_site}/redirect?to={quote(to)}") == linkcheck.Probe(
            linkcheck.Outcome.BROKEN, detail
        )
        assert time.monotonic() - started < 0.4  # refused, not a connection that timed out


def test_only_the_usual_web_ports(settings, dns):
    settings.RESOURCES_LINK_CHECK_ALLOW_PRIVATE = False
    dns.answers["links.example.org"] = [[PUBLIC]]
    for url in ("http://links.example.org:8080/", "https://links.example.org:22/"):
        assert probe(url).detail == "not a usual web port (80 or 443)"


def test_a_redirect_loop_is_broken_after_a_few_hops(local_server, local_site):
    assert probe(f"{local_site}/loop") == linkcheck.Probe(
        linkcheck.Outcome.BROKEN, "too many redirects"
    )
    assert len(local_server.hosts) == linkcheck.MAX_REDIRECTS + 1


def test_environment_proxies_are_not_used(local_site, monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert probe(f"{local_site}/ok").outcome == linkcheck.Outcome.OK


def test_https_is_checked_for_the_sites_name_on_the_vetted_address(tls_site, dns):
    port = tls_site.server_address[1]
    dns.answers["links.example.org"] = [["127.0.0.1"], ["10.9.9.9"]]
    assert probe(f"https://links.example.org:{port}/ok").outcome == linkcheck.Outcome.OK
    assert tls_site.hosts == [f"links.example.org:{port}"]
    # The certificate names links.example.org: any other name at that address fails its check.
    dns.answers["impostor.example.org"] = [["127.0.0.1"]]
    assert probe(f"https://impostor.example.org:{port}/ok") == linkcheck.Probe(
        linkcheck.Outcome.UNCERTAIN, "could not connect (SSLCertVerificationError)"
    )
