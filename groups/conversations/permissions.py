"""Who may read, write in and start private conversations, and why not.

Built on groups.policy: `conversation_verdict` is the one rule for writing (account, the
group's place for a question to its facilitators, sanctions, and the one exception: a silenced
or muted member may still answer the team). This module adds only what is the conversations'
own: who is in one, consent to be contacted, blocks, and the team.

- The team of a question to a group is whoever facilitates that group now; the team of a
  conversation with the site moderators is every site moderator who has set up MFA (as the
  moderation dashboard needs). Site staff read nothing else here.
- A member reads a question to a group's facilitators only while they can still read the
  group: a removed member loses the view (their copy stays in their data export).
- Between members: only people in the conversation, and only once they have accepted; a block
  between any two of them ends it for everyone (it stays readable, takes nothing new).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import policy
from groups.models import Membership, SupportGroup
from groups.permissions import access_for
from groups.policy import ALLOWED, Verdict
from groups.selectors import facilitators_of
from moderation.permissions import is_site_moderator
from supportgroups.models import Block, User
from supportgroups.permissions import has_required_mfa
from supportgroups.privacy.deletion import is_placeholder
from supportgroups.privacy.permissions import can_contact

from .models import MAX_PEOPLE, ContactSetting, Conversation, Message, Participant

Kind = Conversation.Kind


def _refused(code: str, reason: str) -> Verdict:
    return Verdict(allowed=False, code=code, reason=reason)


def is_moderator_team(user: User | AnonymousUser) -> bool:
    """Site moderators answer the conversations members start with "the site moderators"."""
    return is_site_moderator(user) and has_required_mfa(user)


def is_team_member(user: User | AnonymousUser, conversation: Conversation) -> bool:
    if not policy.account_verdict(user) or not conversation.has_team:
        return False
    if conversation.kind == Kind.MODERATORS:
        return is_moderator_team(user)
    group = conversation.group
    return group is not None and access_for(user, group).is_facilitator


@dataclass(frozen=True)
class Seat:
    """Where one person sits in one conversation: on the team, in it, or outside it."""

    is_team: bool
    # The person's row: their place (role MEMBER), or only their marks (role TEAM).
    participant: Participant | None

    @property
    def state(self) -> str | None:
        """Their state in the conversation by their own right; None for the team's rows,
        which grant nothing."""
        row = self.participant
        return row.state if row is not None and row.role == Participant.Role.MEMBER else None

    @property
    def is_asked(self) -> bool:
        """Asked to the conversation and not (yet) in it: shown the request only."""
        return self.state in (Participant.State.REQUESTED, Participant.State.IGNORED)

    @property
    def is_in(self) -> bool:
        return self.is_team or self.state == Participant.State.ACTIVE


def seat_of(user: User | AnonymousUser, conversation: Conversation) -> Seat:
    participant = None
    if user.is_authenticated:
        participant = conversation.participants.filter(user=user).first()
    return Seat(is_team=is_team_member(user, conversation), participant=participant)


def read_verdict(
    user: User | AnonymousUser, conversation: Conversation, seat: Seat | None = None
) -> Verdict:
    """May this person read the whole conversation now?"""
    verdict = policy.account_verdict(user)
    if not verdict:
        return verdict
    seat = seat or seat_of(user, conversation)
    if seat.is_team:
        return verdict
    if not seat.is_in:
        return _refused("not_participant", _("You are not in this conversation."))
    if conversation.kind == Kind.FACILITATORS and conversation.group is not None:
        return policy.read_verdict(user, conversation.group)
    return verdict


def _people_in(conversation: Conversation) -> list[User]:
    """Everyone in it by their own right (asked or in), not the team."""
    return [
        p.user
        for p in conversation.participants.select_related("user")
        .filter(role=Participant.Role.MEMBER)
        .exclude(state=Participant.State.LEFT)
    ]


def _ended_by_block(people: list[User]) -> bool:
    ids = [p.pk for p in people]
    return Block.objects.filter(blocker__in=ids, blocked__in=ids).exists()


def _nobody_to_receive(people: list[User], author: User | AnonymousUser) -> bool:
    """Everyone else has gone: deleted (the placeholder), memorialised or suspended. Memorial
    accounts receive nothing more."""
    others = [p for p in people if p.pk != author.pk]
    return not any(o.is_active and not is_placeholder(o) for o in others)


def write_verdict(
    user: User | AnonymousUser, conversation: Conversation, seat: Seat | None = None
) -> Verdict:
    """May this person send a message here now? Services ask under the conversation's lock."""
    seat = seat or seat_of(user, conversation)
    verdict = read_verdict(user, conversation, seat)
    if not verdict:
        return verdict
    if conversation.ended_at is not None:
        return _refused("ended", _("This conversation has ended."))
    if conversation.kind != Kind.MEMBERS:
        group = conversation.group if conversation.kind == Kind.FACILITATORS else None
        if conversation.kind == Kind.FACILITATORS and group is None:
            return _refused("ended", _("This group no longer exists."))
        verdict = policy.conversation_verdict(user, group, answering_team=not seat.is_team)
        if verdict and seat.is_team and _nobody_to_receive(_people_in(conversation), user):
            return _refused("nobody", _("The member can no longer receive messages."))
        return verdict
    verdict = policy.conversation_verdict(user, None)
    if not verdict:
        return verdict
    people = _people_in(conversation)
    if _ended_by_block(people):
        return _refused("ended", _("This conversation has ended."))
    if _nobody_to_receive(people, user):
        return _refused("nobody", _("Nobody in this conversation can receive messages now."))
    return verdict


def introduce_verdict(introducer: User | AnonymousUser, people: list[User]) -> Verdict:
    """May `introducer` bring these people together in a conversation between them (a
    mentoring coordinator introducing a mentor and a mentee)? Whether they have agreed to it is
    the introducer's own rule; here: the introducer may write, and the people can reach each
    other (living accounts, no block between any two)."""
    verdict = policy.conversation_verdict(introducer, None)
    if not verdict:
        return verdict
    if len(people) < 2:
        return _refused("no_one", _("Choose who to introduce."))
    for person in people:
        if not person.is_active or is_placeholder(person):
            return _refused(
                "nobody", _("%(name)s can no longer receive messages.") % {"name": person}
            )
    if _ended_by_block(people):
        return _refused("blocked", _("These people cannot write to each other."))
    return verdict


def is_in_group(user: User | AnonymousUser, group: SupportGroup) -> bool:
    """The ask and start pages are for the group's active members and facilitators."""
    return bool(policy.account_verdict(user)) and access_for(user, group).is_active_member


def ask_team_verdict(user: User | AnonymousUser, group: SupportGroup | None) -> Verdict:
    """May this person start a conversation with the group's facilitators (None: the site
    moderators)? Facilitators are the team of their own group, not askers."""
    verdict = policy.conversation_verdict(user, group)
    if not verdict or group is None:
        return verdict
    if access_for(user, group).is_facilitator:
        return _refused("own_group", _("You facilitate this group: members ask you here."))
    if not facilitators_of(group=group).filter(is_active=True).exists():
        return _refused("no_team", _("This group has no facilitator at the moment."))
    return verdict


def check_in_verdict(
    facilitator: User | AnonymousUser, group: SupportGroup, member: User
) -> Verdict:
    """May this facilitator open a conversation with one of the group's members, written as
    the group's team? The member's consent setting and blocks apply as for anyone who shares
    the group ("nobody" means nobody, facilitators too)."""
    verdict = policy.conversation_verdict(facilitator, group)
    if not verdict:
        return verdict
    if not access_for(facilitator, group).is_facilitator:
        return _refused("forbidden", _("Only the group's facilitators write as its team."))
    place = access_for(member, group)
    if member.pk == facilitator.pk or not place.is_active_member or place.is_facilitator:
        return _refused(
            "not_member", _("%(name)s is not a member of this group.") % {"name": member}
        )
    if not may_start_with(facilitator, member, group):
        return _refused(
            "no_consent", _("%(name)s does not take new conversations.") % {"name": member}
        )
    return verdict


def who_may_start(user: User) -> str:
    """Read afresh: a choice changed a moment ago applies at once."""
    choice = ContactSetting.objects.filter(user=user).values_list("who_may_start", flat=True)
    return choice.first() or ContactSetting.WhoMayStart.SHARED_GROUP


def may_start_with(starter: User | AnonymousUser, recipient: User, group: SupportGroup) -> bool:
    """Whether `starter` may start a conversation with `recipient` from `group`, which both
    must be active in: the recipient's consent setting, blocks both ways, a living account."""
    if not can_contact(starter, recipient) or is_placeholder(recipient):
        return False
    places = dict(
        Membership.objects.filter(
            group=group, user__in=[starter, recipient], state=Membership.State.ACTIVE
        ).values_list("user_id", "role")
    )
    if starter.pk not in places or recipient.pk not in places:
        return False
    return consents(
        who_may_start(recipient),
        starter_facilitates=places[starter.pk] == Membership.Role.FACILITATOR,
    )


def consents(choice: str, *, starter_facilitates: bool) -> bool:
    """Whether a person whose setting is `choice` takes a new conversation from someone who
    shares the group with them (and facilitates it, or not)."""
    if choice == ContactSetting.WhoMayStart.NOBODY:
        return False
    if choice == ContactSetting.WhoMayStart.FACILITATORS:
        return starter_facilitates
    return True


def start_verdict(
    starter: User | AnonymousUser, group: SupportGroup, recipients: list[User]
) -> Verdict:
    """May `starter` start a conversation with these people from `group` now?"""
    verdict = policy.conversation_verdict(starter, None)
    if not verdict:
        return verdict
    if not recipients:
        return _refused("no_one", _("Choose who to write to."))
    if len(recipients) + 1 > MAX_PEOPLE:
        return _refused(
            "too_many",
            _("A conversation can have at most %(count)d people, you included.")
            % {"count": MAX_PEOPLE},
        )
    for person in recipients:
        if not may_start_with(starter, person, group):
            return _refused(
                "no_consent",
                _("%(name)s does not take new conversations from you.") % {"name": person},
            )
    return verdict


def edit_verdict(user: User | AnonymousUser, message: Message) -> Verdict:
    """May this person change this message's words now (asks nothing of the database)? Only
    its author, within CONVERSATIONS_EDIT_FOR of sending it, and not while it waits for a
    moderator or after one took it down. Whether they may write here at all is
    `write_verdict`'s to say."""
    if message.author_id is None or message.author_id != user.pk:
        return _refused("forbidden", _("You can only change your own messages."))
    if not message.is_visible:
        return _refused(
            "forbidden", _("A message with the moderators cannot be changed; write a new one.")
        )
    if timezone.now() - message.created_at > settings.CONVERSATIONS_EDIT_FOR:
        minutes = int(settings.CONVERSATIONS_EDIT_FOR.total_seconds() // 60)
        return _refused(
            "too_late",
            _("A message can be changed for %(minutes)d minutes after sending it.")
            % {"minutes": minutes},
        )
    return ALLOWED


def can_report_message(user: User | AnonymousUser, message: Message) -> bool:
    """For moderation's registry: a participant or team member may report what they were
    shown; someone asked to a conversation may report the request itself."""
    if not message.is_visible or message.author_id == user.pk:
        return False
    conversation = message.conversation
    seat = seat_of(user, conversation)
    if seat.is_asked:
        return message.sequence == 1
    return bool(read_verdict(user, conversation, seat))
