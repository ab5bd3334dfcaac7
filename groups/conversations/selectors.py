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
from supportgroups.prepared import Prepared

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


def _facilitated_groups(user_id: int) -> QuerySet[Membership, int]:
    return Membership.objects.filter(
        user_id=user_id, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).values_list("group_id", flat=True)


def _as_member(user_id: int) -> Q:
    """Conversations the person is in, and may still read (see permissions.read_verdict)."""
    mine = Participant.objects.filter(
        conversation=OuterRef("pk"), user_id=user_id, role=MEMBER, state=ACTIVE
    )
    in_group = Membership.objects.filter(
        group=OuterRef("group_id"), user_id=user_id, state=Membership.State.ACTIVE
    )
    still_reads = ~Q(kind=Kind.FACILITATORS) | Q(group__isnull=True) | Exists(in_group)
    return Exists(mine) & still_reads


def _as_team(user_id: int, *, moderator: bool) -> Q:
    team = Q(kind=Kind.FACILITATORS, group_id__in=_facilitated_groups(user_id))
    if moderator:
        team |= Q(kind=Kind.MODERATORS)
    return team


def _readable_where(user: Person, *, team: bool | None = None) -> Q | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if team is False:
        return _as_member(_pk(user))
    as_team = _as_team(_pk(user), moderator=permissions.is_moderator_team(user))
    return as_team if team else _as_member(_pk(user)) | as_team


def readable(user: Person, *, team: bool | None = None) -> QuerySet[Conversation]:
    """What the person may open: as a member (team=False), for a team (True), or both."""
    where = _readable_where(user, team=team)
    if where is None:
        return Conversation.objects.none()
    return Conversation.objects.filter(where)


def _visible(user_id: int | None) -> Q:
    return Q(is_hidden=False) & (Q(is_held=False) | Q(author_id=user_id))


def _with_unread(conversations: QuerySet[Conversation], user_id: int) -> QuerySet[Conversation]:
    """`unread`: messages from others past the person's read mark, in the same query."""
    last_read = Participant.objects.filter(conversation=OuterRef("pk"), user_id=user_id).values(
        "last_read_sequence"
    )[:1]
    unread = (
        Message.objects.filter(
            conversation=OuterRef("pk"),
            sequence__gt=OuterRef("my_last_read"),
            is_hidden=False,
            is_held=False,
        )
        .exclude(author_id=user_id)
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return conversations.annotate(my_last_read=Coalesce(Subquery(last_read), Value(0))).annotate(
        unread=Coalesce(Subquery(unread), Value(0))
    )


def _inbox_page(
    user_id: int, q: str | None, *, team: bool, moderator: bool, show: str, size: int
) -> QuerySet[Conversation]:
    """One inbox page's read, built from its values alone (see `_INBOX_PAGE`)."""
    where = _as_team(user_id, moderator=moderator) if team else _as_member(user_id)
    conversations = _with_unread(Conversation.objects.filter(where), user_id)
    if show in ("open", "mine"):
        conversations = conversations.filter(closed_at__isnull=True)
    if show == "mine":
        conversations = conversations.filter(assigned_to_id=user_id)
    elif show == "closed":
        conversations = conversations.filter(closed_at__isnull=False)
    if q is not None:
        found = Message.objects.filter(conversation=OuterRef("pk"), body__icontains=q).filter(
            _visible(user_id)
        )
        conversations = conversations.filter(Exists(found))
    # Everyone in each conversation by their own right; the reader is left out afterwards (a
    # prefetch's own values are not the prepared read's).
    people = (
        Participant.objects.filter(role=MEMBER)
        .select_related("user")
        .only("conversation_id", "user_id", "user__display_name")
    )
    return (
        conversations.select_related("group", "assigned_to")
        .only(
            *INBOX_FIELDS,
            "group__name",
            "assigned_to__display_name",
        )
        .prefetch_related(Prefetch("participants", queryset=people, to_attr="everyone"))
        .order_by("-last_message_at", "-pk")[:size]
    )


# What an inbox row reads of a conversation (rendering.row_context), besides its group's name
# and who it is given to.
INBOX_FIELDS = (
    "kind",
    "subject",
    "group_id",
    "assigned_to_id",
    "awaiting_reply_since",
    "closed_at",
    "last_message_at",
    "last_sequence",
)
_INBOX_PAGE = Prepared(_inbox_page)


def inbox(
    user: Person, *, team: bool = False, show: str = "open", q: str = ""
) -> list[Conversation]:
    """One page of the person's conversations, newest first, each with its unread count, its
    group and the other people in it (`others`). `show` (team inbox): "open", "mine",
    "closed" or "all". `q` finds conversations whose messages the person can see hold the
    words (a search runs through the ORM each time: its pattern is not a plain value)."""
    if not user.is_authenticated or not user.is_active:
        return []
    q = q.strip()[:MAX_SEARCH_LENGTH]
    rows = _INBOX_PAGE(
        _pk(user),
        q or None,
        team=team,
        moderator=team and permissions.is_moderator_team(user),
        show=show if team else "",
        size=settings.CONVERSATIONS_INBOX_PAGE,
    )
    for conversation in rows:
        # `everyone` is the prefetch's; `others` is what rows and pages read.
        everyone = conversation.everyone  # type: ignore[attr-defined]
        others = [place for place in everyone if place.user_id != user.pk]
        conversation.others = others  # type: ignore[attr-defined]
    return rows


def is_on_a_team(user: Person) -> bool:
    """Whether the person answers for any team: facilitates a group, or moderates the site."""
    if not user.is_authenticated or not user.is_active:
        return False
    return _facilitated_groups(_pk(user)).exists() or permissions.is_moderator_team(user)


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
    counted = _with_unread(Conversation.objects.all(), _pk(user))
    return counted.filter((where & Q(unread__gt=0)) | Exists(asked)).count()


def _shown_to(conversation: Conversation, user: Person, seat: Seat) -> QuerySet[Message]:
    messages = Message.objects.filter(conversation=conversation).filter(_visible(user.pk))
    if seat.is_asked:
        messages = messages.filter(sequence=1)
    return messages.select_related("author")


def page_of_messages(
    conversation: Conversation, user: Person, seat: Seat, *, before: int | None = None
) -> tuple[list[Message], bool]:
    """One page of the conversation as this person is shown it, oldest first: the newest
    CONVERSATIONS_PAGE_MESSAGES, or as many just before message `before`; and whether there
    are earlier ones. One query, whatever the conversation's length."""
    size = settings.CONVERSATIONS_PAGE_MESSAGES
    messages = _shown_to(conversation, user, seat)
    if before is not None:
        messages = messages.filter(sequence__lt=before)
    rows = list(messages.order_by("-sequence")[: size + 1])
    return list(reversed(rows[:size])), len(rows) > size


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
    messages = _shown_to(conversation, user, seat)
    limit = limit or settings.CONVERSATIONS_HISTORY_PAGE
    if after is not None:
        return list(messages.filter(sequence__gt=after).order_by("sequence")[:limit])
    return list(reversed(messages.order_by("-sequence")[:limit]))


def gone_since(conversation: Conversation, user: Person, *, up_to: int, revision: int) -> list[int]:
    """Ids of messages a reconnecting client had that have since been taken down."""
    changed = Message.objects.filter(
        conversation=conversation, sequence__lte=up_to, revision__gt=revision
    )
    return list(changed.exclude(_visible(user.pk)).values_list("sequence", flat=True))


def edited_since(
    conversation: Conversation, user: Person, *, up_to: int, revision: int
) -> list[Message]:
    """Messages a reconnecting client had whose words have changed since (still shown)."""
    changed = Message.objects.filter(
        conversation=conversation,
        sequence__lte=up_to,
        revision__gt=revision,
        edited_at__isnull=False,
    )
    return list(changed.filter(_visible(user.pk)).select_related("author").order_by("sequence"))


def own_message(conversation: Conversation, user: Person, sequence: int) -> Message | None:
    """The person's own message in the conversation, for its edit page."""
    return (
        Message.objects.filter(conversation=conversation, sequence=sequence, author_id=_pk(user))
        .select_related("author")
        .first()
    )


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
        "edited": message.edited_at is not None,
        "edit_until": (message.created_at + settings.CONVERSATIONS_EDIT_FOR).isoformat(),
        "edit_url": reverse("conversations:edit", args=[message.conversation_id, message.sequence]),
        "client_msg_id": str(message.client_msg_id),
        "report_url": reverse("moderation:report", args=["conversations.message", message.pk]),
    }
