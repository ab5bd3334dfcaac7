"""Reads for private conversations: inboxes, the messages a person may see, unread counts, and
the plain dicts that go over the websocket. Lists cost the same number of queries however many
conversations or messages there are."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Membership, SupportGroup
from groups.selectors import facilitators_of
from supportgroups.models import Block, User

from . import permissions
from .models import ContactSetting, Conversation, Message, Participant
from .permissions import Seat

Kind = Conversation.Kind
MEMBER, TEAM = Participant.Role.MEMBER, Participant.Role.TEAM
ACTIVE, REQUESTED = Participant.State.ACTIVE, Participant.State.REQUESTED
MAX_SEARCH_LENGTH = 100
Person = User | AnonymousUser


def _pk(user: Person) -> int:
    """The person's id in a lookup; a visitor's matches nobody (the reads refuse them first)."""
    return user.pk or 0


def contact_setting_for(*, user: User) -> ContactSetting:
    try:
        return user.contact_setting
    except ContactSetting.DoesNotExist:
        return ContactSetting(user=user)


def team_members(conversation: Conversation) -> list[User]:
    """Who answers for the team now (see permissions.is_team_member)."""
    users = get_user_model().objects.filter(is_active=True)
    if conversation.kind == Kind.FACILITATORS and conversation.group_id is not None:
        return list(facilitators_of(group=conversation.group_id).filter(is_active=True))
    if conversation.kind == Kind.MODERATORS:
        moderators = users.filter(
            Q(is_staff=True)
            | Q(user_permissions__codename="moderate_all")
            | Q(groups__permissions__codename="moderate_all")
        ).distinct()
        return [u for u in moderators if permissions.is_moderator_team(u)]
    return []


def _facilitated_groups(user: Person) -> QuerySet[Membership, int]:
    return Membership.objects.filter(
        user_id=_pk(user), state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).values_list("group_id", flat=True)


def _as_member(user: Person) -> Q:
    """Conversations the person is in, and may still read (see permissions.read_verdict)."""
    mine = Participant.objects.filter(
        conversation=OuterRef("pk"), user_id=_pk(user), role=MEMBER, state=ACTIVE
    )
    in_group = Membership.objects.filter(
        group=OuterRef("group_id"), user_id=_pk(user), state=Membership.State.ACTIVE
    )
    still_reads = ~Q(kind=Kind.FACILITATORS) | Q(group__isnull=True) | Exists(in_group)
    return Exists(mine) & still_reads


def _as_team(user: Person) -> Q:
    team = Q(kind=Kind.FACILITATORS, group_id__in=_facilitated_groups(user))
    if permissions.is_moderator_team(user):
        team |= Q(kind=Kind.MODERATORS)
    return team


def _readable_where(user: Person, *, team: bool | None = None) -> Q | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if team is None:
        return _as_member(user) | _as_team(user)
    return _as_team(user) if team else _as_member(user)


def readable(user: Person, *, team: bool | None = None) -> QuerySet[Conversation]:
    """What the person may open: as a member (team=False), for a team (True), or both."""
    where = _readable_where(user, team=team)
    if where is None:
        return Conversation.objects.none()
    return Conversation.objects.filter(where)


def _visible(user: Person) -> Q:
    return Q(is_hidden=False) & (Q(is_held=False) | Q(author_id=user.pk))


def _with_unread(conversations: QuerySet[Conversation], user: Person) -> QuerySet[Conversation]:
    """`unread`: messages from others past the person's read mark, in the same query."""
    last_read = Participant.objects.filter(conversation=OuterRef("pk"), user_id=_pk(user)).values(
        "last_read_sequence"
    )[:1]
    unread = (
        Message.objects.filter(
            conversation=OuterRef("pk"),
            sequence__gt=OuterRef("my_last_read"),
            is_hidden=False,
            is_held=False,
        )
        .exclude(author_id=user.pk)
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return conversations.annotate(my_last_read=Coalesce(Subquery(last_read), Value(0))).annotate(
        unread=Coalesce(Subquery(unread), Value(0))
    )


def inbox(
    user: Person, *, team: bool = False, show: str = "open", q: str = ""
) -> list[Conversation]:
    """One page of the person's conversations, newest first, each with its unread count, its
    group and the other people in it. `show` (team inbox): "open", "mine", "closed" or "all".
    `q` finds conversations whose messages the person can see hold the words."""
    conversations = _with_unread(readable(user, team=team), user)
    if team:
        if show in ("open", "mine"):
            conversations = conversations.filter(closed_at__isnull=True)
        if show == "mine":
            conversations = conversations.filter(assigned_to_id=_pk(user))
        elif show == "closed":
            conversations = conversations.filter(closed_at__isnull=False)
    q = q.strip()[:MAX_SEARCH_LENGTH]
    if q:
        found = Message.objects.filter(conversation=OuterRef("pk"), body__icontains=q).filter(
            _visible(user)
        )
        conversations = conversations.filter(Exists(found))
    people = (
        Participant.objects.filter(role=MEMBER).exclude(user_id=_pk(user)).select_related("user")
    )
    return list(
        conversations.select_related("group", "assigned_to", "replying_by", "started_by")
        .prefetch_related(Prefetch("participants", queryset=people, to_attr="others"))
        .order_by("-last_message_at", "-pk")[: settings.CONVERSATIONS_INBOX_PAGE]
    )


def is_on_a_team(user: Person) -> bool:
    """Whether the person answers for any team: facilitates a group, or moderates the site."""
    if not user.is_authenticated or not user.is_active:
        return False
    return _facilitated_groups(user).exists() or permissions.is_moderator_team(user)


def others_in(conversation: Conversation, user: Person) -> list[Participant]:
    """The other people in the conversation by their own right (not the team)."""
    return list(
        conversation.participants.filter(role=MEMBER)
        .exclude(user_id=_pk(user))
        .select_related("user")
        .order_by("joined_at", "pk")
    )


def replying(conversation: Conversation, user: Person) -> User | None:
    """Who on the team is writing an answer now, unless it is the reader themselves."""
    by, at = conversation.replying_by, conversation.replying_at
    if by is None or by.pk == user.pk or at is None:
        return None
    return by if at > timezone.now() - settings.CONVERSATIONS_REPLYING_FOR else None


def requests_for(*, user: Person) -> list[Participant]:
    """Conversations the person is asked to, with the request (the first message)."""
    first = Message.objects.filter(sequence=1).select_related("author")
    return list(
        Participant.objects.filter(user_id=_pk(user), role=MEMBER, state=REQUESTED)
        .select_related("conversation__started_by", "conversation__group")
        .prefetch_related(Prefetch("conversation__messages", queryset=first, to_attr="request"))
        .order_by("-conversation__last_message_at")
    )


def unread_total(*, user: Person) -> int:
    """The header's count: conversations with something unread, and requests waiting."""
    where = _readable_where(user)
    if where is None:
        return 0
    asked = Participant.objects.filter(
        conversation=OuterRef("pk"), user_id=_pk(user), role=MEMBER, state=REQUESTED
    )
    counted = _with_unread(Conversation.objects.all(), user)
    return counted.filter((where & Q(unread__gt=0)) | Exists(asked)).count()


def messages_for(
    conversation: Conversation,
    user: Person,
    seat: Seat,
    *,
    after: int | None = None,
    limit: int | None = None,
) -> list[Message]:
    """What this person is shown, oldest first: someone asked to join sees only the request;
    a held message only its author. The last `limit` messages, or the first after `after`."""
    messages = Message.objects.filter(conversation=conversation).filter(_visible(user))
    if seat.is_asked:
        messages = messages.filter(sequence=1)
    messages = messages.select_related("author")
    limit = limit or settings.CONVERSATIONS_HISTORY_PAGE
    if after is not None:
        return list(messages.filter(sequence__gt=after).order_by("sequence")[:limit])
    return list(reversed(messages.order_by("-sequence")[:limit]))


def gone_since(conversation: Conversation, user: Person, *, up_to: int, revision: int) -> list[int]:
    """Ids of messages a reconnecting client had that have since been taken down."""
    changed = Message.objects.filter(
        conversation=conversation, sequence__lte=up_to, revision__gt=revision
    )
    return list(changed.exclude(_visible(user)).values_list("sequence", flat=True))


def people_to_write_to(*, starter: Person, group: SupportGroup) -> list[User]:
    """The group's active members and facilitators who take a new conversation from `starter`
    (permissions.may_start_with, for the whole group in three queries)."""
    places = list(
        Membership.objects.filter(group=group, state=Membership.State.ACTIVE)
        .select_related("user__contact_setting")
        .order_by("user__display_name")
    )
    starter_role = next((m.role for m in places if m.user_id == starter.pk), None)
    if starter_role is None:
        return []
    blocks = Block.objects.filter(Q(blocker=starter) | Q(blocked=starter))
    blocked = {pk for pair in blocks.values_list("blocker_id", "blocked_id") for pk in pair}
    facilitates = starter_role == Membership.Role.FACILITATOR
    return [
        m.user
        for m in places
        if m.user_id != starter.pk
        and m.user_id not in blocked
        and m.user.is_active
        and permissions.consents(permissions.who_may_start(m.user), starter_facilitates=facilitates)
    ]


def serialize_message(message: Message) -> dict[str, object]:
    author = message.author
    return {
        "id": message.sequence,
        "rev": message.revision,
        "author": author.display_name if author else _("Former member"),
        "author_id": message.author_id,
        "team": message.from_team,
        "body": message.body,
        "created": message.created_at.isoformat(),
        "held": message.is_held,
        "client_msg_id": str(message.client_msg_id),
        "report_url": reverse("moderation:report", args=["conversations.message", message.pk]),
    }
