"""A prepared read answers exactly what its queryset answers, for any values, from SQL compiled
once; where its values cannot be put in (a LIKE pattern), it still answers right, the slow way."""

import re
import uuid

import pytest
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups.chat import selectors as chat_selectors
from groups.chat.models import ChatMessage
from groups.chat.services import post_message, room_for_group
from groups.models import Membership, SupportGroup
from moderation.models import AuditLogEntry, Sanction
from moderation.selectors import _BLOCKING_SANCTIONS, blocking_sanction
from supportgroups.models import Notification, User
from supportgroups.prepared import Prepared, padded
from tests.factories import (
    CancerTypeFactory,
    FacilitatorMembershipFactory,
    MembershipFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def memberships(user_id, *, role):
    """A model read with select_related, an annotation and a shape."""
    return (
        Membership.objects.filter(user_id=user_id, role=role)
        .select_related("group", "user")
        .annotate(others=Count("group__memberships"))
        .order_by("group__name")
    )


MEMBERSHIPS = Prepared(memberships)


def runs(read, *args, **shape):
    with CaptureQueriesContext(connection) as ctx:
        rows = read(*args, **shape)
    return rows, [q["sql"] for q in ctx.captured_queries]


def test_model_rows_with_related_objects_and_annotations_match_the_queryset():
    ann, bo = UserFactory(display_name="Ann"), UserFactory(display_name="Bo")
    for name in ["Beta", "Alpha"]:
        MembershipFactory(user=ann, group=SupportGroupFactory(name=name))
    FacilitatorMembershipFactory(user=bo)
    MembershipFactory(group=Membership.objects.get(user=bo).group)

    for user in (ann, bo, ann):
        for role in ("member", "facilitator"):
            expected = list(memberships(user.pk, role=role))
            got, sql = runs(MEMBERSHIPS, user.pk, role=role)
            assert len(sql) == 1
            assert [(m.pk, m.group.name, m.user.display_name, m.others) for m in got] == [
                (m.pk, m.group.name, m.user.display_name, m.others) for m in expected
            ]
    assert [m.group.name for m in MEMBERSHIPS(ann.pk, role="member")] == ["Alpha", "Beta"]


def test_the_sql_is_compiled_once_and_only_the_values_change():
    ann, bo = UserFactory(), UserFactory()
    read = Prepared(memberships)
    _rows, first = runs(read, ann.pk, role="member")
    _rows, second = runs(read, bo.pk, role="member")
    assert f'"user_id" = {bo.pk}' in second[0]
    assert re.sub(r'"user_id" = \d+', "", first[0]) == re.sub(r'"user_id" = \d+', "", second[0])
    assert len(read._compiled) == 1
    runs(read, bo.pk, role="facilitator")
    assert len(read._compiled) == 2  # another shape, another SQL


def test_values_rows_counts_and_instants():
    ann = UserFactory()
    for title in ["a", "b", "c"]:
        Notification.objects.create(user=ann, kind="reply", title=title)
    Notification.objects.filter(title="a").update(read_at=timezone.now())

    def unread(user_id, before):
        return Notification.objects.filter(
            user_id=user_id, read_at__isnull=True, created_at__lt=before
        ).values_list("title", flat=True)

    read = Prepared(unread)
    later = timezone.now() + timezone.timedelta(minutes=1)
    assert sorted(read(ann.pk, later)) == ["b", "c"]
    assert read(ann.pk, timezone.now() - timezone.timedelta(days=1)) == []
    assert read(UserFactory().pk, later) == []


def test_exists_and_subqueries_take_their_values_too():
    fay, ann = UserFactory(), UserFactory()
    FacilitatorMembershipFactory(user=fay)

    def facilitates(user_id):
        led = Membership.objects.filter(user_id=OuterRef("pk"), role="facilitator")
        return User.objects.filter(pk=user_id).values_list(Exists(led), flat=True)

    read = Prepared(facilitates)
    assert read(fay.pk) == [True]
    assert read(ann.pk) == [False]


def test_prefetch_related_still_fills_the_rows():
    group = SupportGroupFactory(slug="with-types")
    group.cancer_types.add(CancerTypeFactory(name="Lung"), CancerTypeFactory(name="Skin"))

    def by_slug(slug):
        return SupportGroup.objects.filter(slug=slug).prefetch_related("cancer_types")

    [found] = Prepared(by_slug)("with-types")
    assert sorted(t.name for t in found.cancer_types.all()) == ["Lung", "Skin"]


def test_a_value_that_is_not_a_parameter_as_such_is_read_through_the_orm():
    SupportGroupFactory(name="Lung circle")
    SupportGroupFactory(name="Skin circle")

    def named_like(text):
        return SupportGroup.objects.filter(Q(name__icontains=text)).values_list("name", flat=True)

    read = Prepared(named_like)
    assert read("lung") == ["Lung circle"]
    assert read("skin") == ["Skin circle"]
    assert list(read._compiled.values()) == [None]


def test_none_is_part_of_the_shape_and_id_lists_take_their_values():
    groups = [SupportGroupFactory(name=n, alumni_group=None) for n in ["A", "B", "C"]]
    groups[2].alumni_group = groups[0]
    groups[2].save()

    def alumni_of(alumni_id, ids):
        return (
            SupportGroup.objects.filter(alumni_group_id=alumni_id, pk__in=ids)
            .order_by("name")
            .values_list("name", flat=True)
        )

    read = Prepared(alumni_of)
    everyone = padded([g.pk for g in groups])
    assert read(None, everyone) == ["A", "B"]
    assert read(groups[0].pk, everyone) == ["C"]
    assert read(None, padded([groups[1].pk])) == ["B"]
    assert read(None, padded([groups[2].pk, groups[1].pk])) == ["B"]
    assert len(read._compiled) == 4  # IS NULL with lists of 4, 1 and 2; "= id" with 4


def test_uuids_and_ids_django_types_for_the_driver_take_their_values():
    """A chat message's client id (a UUID), and a group id Django hands psycopg as its Int8 (a
    mute's group): both compiled once, the caller's values put in as Django would."""
    group, other = SupportGroupFactory(), SupportGroupFactory()
    ann = MembershipFactory(group=group).user
    room = room_for_group(group=group)
    sent = [
        post_message(room=room, author=ann, body=f"m{n}", client_msg_id=uuid.uuid4())
        for n in range(2)
    ]
    muted = Sanction.objects.create(
        user=ann,
        kind=Sanction.Kind.MUTE,
        group_id=group.pk,
        reason="",
        action=AuditLogEntry.objects.create(action=AuditLogEntry.Action.WARN),
    )

    def by_client_id(room_id, client_id):
        return ChatMessage.objects.filter(room_id=room_id, client_msg_id=client_id).values_list(
            "body", flat=True
        )

    if ann.pk == group.pk:  # ids that differ, so that one put in the other's place would show
        ann = MembershipFactory(group=group).user
        muted.user = ann
        muted.save()
    messages = Prepared(by_client_id)
    for result in sent:
        assert messages(room.pk, result.message.client_msg_id) == [result.message.body]
    assert messages(room.pk, uuid.uuid4()) == []
    assert blocking_sanction(ann, group.pk) == muted
    assert blocking_sanction(ann, other.pk) is None
    compiled = [*messages._compiled.values(), *_BLOCKING_SANCTIONS._compiled.values()]
    assert compiled and None not in compiled


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_still_needs_its_transaction_once_compiled():
    """Without one, FOR UPDATE would let go of the row at once: refused, as Django refuses."""
    room = room_for_group(group=SupportGroupFactory())
    with transaction.atomic():
        assert chat_selectors.room(room.pk, locked=True) == room
    with pytest.raises(TransactionManagementError):
        chat_selectors.room(room.pk, locked=True)
    assert chat_selectors.room(room.pk) == room


def test_padding_keeps_the_lists_to_a_few_lengths():
    assert padded([]) == ()
    assert padded([7]) == (7,)
    assert padded([7, 8, 9]) == (7, 8, 9, 9)
    assert len({len(padded(list(range(n)))) for n in range(1, 65)}) == 7


def test_values_that_would_change_the_sql_unseen_are_refused():
    read = Prepared(memberships)
    for value in (True, 1.5, [1, 2]):
        with pytest.raises(TypeError):
            read(value, role="member")


def test_the_signed_in_person_is_read_by_id_from_a_prepared_query(client):
    """Django's ModelBackend reads the person on every request with User.objects.get(pk=id)."""
    ann = UserFactory(display_name="Ann", time_zone="Europe/Paris")
    found, sql = runs(lambda: User.objects.get(pk=ann.pk))
    assert (found.pk, found.display_name, found.time_zone) == (ann.pk, "Ann", "Europe/Paris")
    assert len(sql) == 1 and "LIMIT" not in sql[0]  # the prepared read, not Django's get
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=ann.pk + 1000)
    # Any other lookup is Django's own, with its own errors.
    assert User.objects.get(email=ann.email) == ann
    with pytest.raises(User.MultipleObjectsReturned):
        UserFactory()
        User.objects.get(is_active=True)

    client.force_login(ann)
    assert client.get("/").context["user"].display_name == "Ann"
    User.objects.filter(pk=ann.pk).update(is_active=False)  # suspended: signed out at once
    assert not client.get("/").context["user"].is_authenticated
