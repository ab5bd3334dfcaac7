"""The audit log cannot be changed from the site or admin; who sees which queue items."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from moderation import queue, services
from moderation.models import AuditLogEntry, ItemNote, ReviewItem
from tests.factories import UserFactory, client_for, with_mfa

pytestmark = pytest.mark.django_db


def test_audit_rows_refuse_updates_and_deletes(post_model):
    post = post_model.objects.create(author=UserFactory(), body="x")
    services.request_review(target=post, reason="spam", by=UserFactory())
    entry = AuditLogEntry.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditLogEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(PermissionDenied):
        AuditLogEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.reason == "spam"


def test_admin_shows_the_audit_log_read_only(post_model):
    post = post_model.objects.create(author=UserFactory(), body="x")
    services.request_review(target=post, reason="spam", by=UserFactory())
    entry = AuditLogEntry.objects.get()
    admin = with_mfa(UserFactory(is_staff=True, is_superuser=True))
    client = client_for(admin)
    base = "/admin/moderation/auditlogentry/"
    assert client.get(base).status_code == 200
    page = client.get(f"{base}{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {"reason": "x"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert bulk.status_code in (200, 302)
    assert AuditLogEntry.objects.filter(pk=entry.pk, reason="spam").exists()


@pytest.fixture
def two_groups(post_model, scope):
    """Items in group A (1), group B (2) and a public place."""
    items = {}
    for key, group in (("a", 1), ("b", 2), ("public", None)):
        post = post_model.objects.create(author=UserFactory(), body=f"post {key}", group=group)
        items[key] = services.request_review(target=post, reason="spam", by=UserFactory())
    return items


def test_access_matrix(two_groups, scope, staff):
    fac_a = with_mfa(scope.facilitate(UserFactory(), 1))
    member = with_mfa(UserFactory())
    moderator = with_mfa(UserFactory())
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(Permission.objects.get(codename="moderate_all"))
    dashboard = reverse("moderation:dashboard")

    def item_status(user, key):
        return client_for(user).get(two_groups[key].get_absolute_url()).status_code

    # Facilitator of A: A only; B and public are 404 (not revealed).
    page = client_for(fac_a).get(dashboard).content.decode()
    assert "post a" in page and "post b" not in page and "post public" not in page
    assert [item_status(fac_a, k) for k in ("a", "b", "public")] == [200, 404, 404]
    # Staff and holders of moderate_all see everything.
    for person in (staff, moderator):
        page = client_for(person).get(dashboard).content.decode()
        assert all(f"post {k}" in page for k in ("a", "b", "public"))
        assert [item_status(person, k) for k in ("a", "b", "public")] == [200, 200, 200]
    # An ordinary member: 403 on the dashboard, 403 on items.
    assert client_for(member).get(dashboard).status_code == 403
    assert item_status(member, "a") == 403
    # And nobody can act on an item they cannot see.
    with pytest.raises(PermissionDenied):
        queue.claim(item_id=two_groups["b"].pk, user=fac_a, version=1)


def test_dashboard_needs_mfa(two_groups, scope):
    fac = scope.facilitate(UserFactory(), 1)  # no authenticator
    response = client_for(fac).get(reverse("moderation:dashboard"))
    assert response.status_code == 302 and response.url == reverse("mfa_required")
    assert Client().get(reverse("moderation:dashboard")).status_code == 302  # to sign in


def test_member_without_mfa_is_refused_not_sent_to_mfa_setup(two_groups, scope):
    """Someone who can moderate nothing gets 403 everywhere, before any talk of MFA."""
    member = client_for(UserFactory())  # no authenticator, no facilitated group, not staff
    item = two_groups["a"]
    assert member.get(reverse("moderation:dashboard")).status_code == 403
    assert member.get(item.get_absolute_url()).status_code == 403
    for name, args in [("claim", [item.pk]), ("note", [item.pk]), ("act", [item.pk, "hide"])]:
        response = member.post(reverse(f"moderation:{name}", args=args), {"version": 1})
        assert response.status_code == 403, name
    # A real facilitator without MFA is still sent to set it up, for the item page too.
    fac = client_for(scope.facilitate(UserFactory(), 1))
    response = fac.get(item.get_absolute_url())
    assert response.status_code == 302 and response.url == reverse("mfa_required")


def test_unregistered_scope_shows_facilitators_nothing(two_groups, scope):
    from moderation.registry import reset_group_scope

    fac = with_mfa(scope.facilitate(UserFactory(), 1))
    reset_group_scope()
    assert client_for(fac).get(reverse("moderation:dashboard")).status_code == 403


def test_dashboard_filters_and_query_count(post_model, staff, scope, django_assert_num_queries):
    for i in range(6):
        post = post_model.objects.create(author=UserFactory(), body=f"post {i}", group=i % 2 + 1)
        services.request_review(
            target=post, reason="spam" if i % 2 else "harassment", by=UserFactory()
        )
    client = client_for(staff)
    url = reverse("moderation:dashboard")
    client.get(url)  # warm the session and content-type caches
    # session, user, MFA (decorator), group choices, the queue with authors and claimers
    # joined, counts by priority, open follow-ups with their items: 7 whatever the size (the
    # header's unread count is kept from sign-in).
    with django_assert_num_queries(7):
        page = client.get(url, {"reason": "spam", "group": "2"}).content.decode()
    assert page.count("post ") == 3 and "post 0" not in page
    bad = client.get(url, {"group": "nope", "state": "weird", "age": "1000y"})
    assert bad.status_code == 200  # bad filters are ignored, never a 500


def test_item_page_shows_context_history_and_notes(post_model, staff, scope):
    author = UserFactory(display_name="Loud Larch")
    post = post_model.objects.create(author=author, body="first", group=1)
    earlier = services.request_review(target=post, reason="spam", by=UserFactory())
    second = post_model.objects.create(author=author, body="second thing", group=1)
    item = services.request_review(
        target=second, reason="harassment", note="rude", by=UserFactory()
    )
    client = client_for(staff)
    assert client.post(reverse("moderation:note", args=[item.pk]), {"body": "Watch this one"})
    page = client.get(item.get_absolute_url()).content.decode()
    assert "second thing" in page and "rude" in page and "Watch this one" in page
    assert earlier.get_absolute_url() in page  # the author's earlier item


def test_action_views_keep_typed_text_and_report_conflicts(post_model, staff):
    post = post_model.objects.create(author=UserFactory(), body="x")
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    client = client_for(staff)
    act = reverse("moderation:act", args=[item.pk, "silence"])
    # Not claimed yet: refused with a message, nothing changes.
    response = client.post(act, {"version": item.version, "reason": "r", "until": ""})
    assert response.status_code == 400 and "Choose until when" in response.content.decode()
    client.post(reverse("moderation:claim", args=[item.pk]), {"version": item.version})
    item.refresh_from_db()
    response = client.post(
        reverse("moderation:act", args=[item.pk, "hide"]),
        {"version": item.version - 1, "reason": "r"},
    )
    assert response.status_code == 409 and "changed this item" in response.content.decode()
    response = client.post(
        reverse("moderation:act", args=[item.pk, "hide"]), {"version": item.version, "reason": ""}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("moderation:act", args=[item.pk, "hide"]),
        {"version": item.version, "reason": "Off topic"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.hidden and ReviewItem.objects.get().resolution == "hidden"


def test_member_reports_a_profile_and_is_thanked(scope):
    reporter, target = UserFactory(), UserFactory(display_name="Spammy Sam")
    client = client_for(reporter)
    url = reverse("moderation:report", args=["supportgroups.user", target.pk])
    assert "Spammy Sam" in client.get(url).content.decode()
    response = client.post(url, {"reason": "nonsense", "note": "kept text"})
    assert response.status_code == 200 and "kept text" in response.content.decode()
    assert client.post(url, {"reason": "spam", "note": ""}).status_code == 302
    again = client.post(url, {"reason": "spam", "note": "twice"})
    assert "already reported" in again.content.decode()
    assert ReviewItem.objects.get().reports.count() == 1
    own = reverse("moderation:report", args=["supportgroups.user", reporter.pk])
    assert client.get(own).status_code == 404
    assert client.get(reverse("moderation:report", args=["auth.group", 1])).status_code == 404


def test_item_page_query_count_does_not_grow_with_reports(post_model, staff):
    post = post_model.objects.create(author=UserFactory(), body="busy post")
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    queue.add_note(item=item, author=staff, body="first note")
    client = client_for(staff)
    client.get(item.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # session, user, MFA (decorator and permission), the item, its reports + reporters, flags,
    # notes + authors, audit + actors, the target, the author's items and sanctions, the bell.
    with CaptureQueriesContext(connection) as few:
        client.get(item.get_absolute_url())
    for _ in range(5):
        services.request_review(target=post, reason="harassment", by=UserFactory())
    queue.add_note(item=item, author=staff, body="n")
    with CaptureQueriesContext(connection) as many:
        assert client.get(item.get_absolute_url()).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_report_url_tag_links_to_the_report_form(post_model):
    from django.template import Context, Template

    target = UserFactory()
    html = Template("{% load moderation %}{% report_url person %}").render(
        Context({"person": target})
    )
    assert html == reverse("moderation:report", args=["supportgroups.user", target.pk])


def test_admin_pages_for_every_moderation_model_open(post_model, staff):
    from django.contrib import admin as django_admin

    from moderation.models import CrisisResource

    post = post_model.objects.create(author=UserFactory(), body="x")
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    client = client_for(with_mfa(UserFactory(is_staff=True, is_superuser=True)))
    models = [m for m in django_admin.site._registry if m._meta.app_label == "moderation"]
    assert len(models) == 10
    for model in models:
        url = f"/admin/moderation/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
    assert client.get(f"/admin/moderation/reviewitem/{item.pk}/change/").status_code == 200
    resource = CrisisResource.objects.get(name="Samaritans")
    assert client.get(f"/admin/moderation/crisisresource/{resource.pk}/change/").status_code == 200


def test_item_page_writes_dates_like_the_rest_of_the_site(post_model, staff):
    """The site's format "25 Nov 2026, 08:46" (supportgroups/formats), not Django's "Nov. 25, …"."""
    post = post_model.objects.create(author=UserFactory(), body="x")
    item = services.request_review(target=post, reason="spam", by=UserFactory())
    client = client_for(staff)
    client.post(reverse("moderation:note", args=[item.pk]), {"body": "Dated note"})
    when = dt.datetime(2026, 11, 25, 8, 46, tzinfo=dt.UTC)
    ItemNote.objects.filter(item=item).update(created_at=when)
    staff.time_zone = "Europe/London"
    staff.save(update_fields=["time_zone"])
    page = client.get(item.get_absolute_url()).content.decode()
    assert ">25 Nov 2026, 08:46</time>: Dated note" in page
    assert "a.m." not in page and "p.m." not in page
