"""What private conversations hold about a person, for export and deletion
(supportgroups.privacy.registry).

- Export: every conversation the person is in, as they may read it (their own copy: it stays
  in the export after they lose the view, say when removed from the group), and the messages
  they wrote while answering for a team (not the members' words: those are the members'); with
  each of their own messages, what it said before each of their edits.
- Deletion: what they wrote stays for the others, by "Former member"; if they ask for removal,
  each message is taken down live and its words blanked, and the words before their edits
  (kept for moderators) go. Their places in conversations go.
"""

from supportgroups.privacy.registry import register

from . import services
from .models import ContactSetting, Conversation, Message, MessageRevision, Participant

REMOVED_REASON = "Removed with the author's account"


def _message_row(message: Message, user) -> dict:
    row = {
        "number": message.sequence,
        "author": message.author.display_name if message.author else "",
        "body": message.body,
        "created_at": message.created_at,
        "edited_at": message.edited_at,
    }
    if message.author_id == user.pk:  # their own words before each edit are theirs too
        row["before_edits"] = [
            {"body": revision.body, "replaced_at": revision.created_at}
            for revision in message.revisions.all()
        ]
    return row


def _export_places(user, rows):
    """The person's copy of each conversation they are in: what they were shown."""
    places = rows.filter(role=Participant.Role.MEMBER).select_related(
        "conversation__group", "conversation__started_by"
    )
    export = []
    for place in places.order_by("conversation__created_at"):
        conversation = place.conversation
        messages = (
            conversation.messages.filter(is_hidden=False)
            .select_related("author")
            .prefetch_related("revisions")
        )
        if place.state != Participant.State.ACTIVE:
            messages = messages.filter(sequence=1)
        export.append(
            {
                "kind": conversation.get_kind_display(),
                "group": conversation.group.name if conversation.group else "",
                "subject": conversation.subject,
                "state": place.get_state_display(),
                "messages": [
                    _message_row(m, user)
                    for m in messages.order_by("sequence")
                    if not m.is_held or m.author_id == user.pk
                ],
            }
        )
    return export


def _export_team_messages(user, rows):
    """What the person wrote for a team; their own conversations are under Participant."""
    mine = rows.filter(from_team=True).select_related("conversation__group", "author")
    mine = mine.prefetch_related("revisions")
    return [_message_row(m, user) for m in mine.order_by("created_at")]


def _erase_messages(*, user, placeholder, remove_content):
    if remove_content:
        for message in Message.objects.filter(author=user, is_hidden=False):
            services.hide_message(message=message, reason=REMOVED_REASON)
        Message.objects.filter(author=user).update(body="")
        MessageRevision.objects.filter(message__author=user).delete()
    Message.objects.filter(author=user).update(author=placeholder)


def _erase_conversation_links(*, user, placeholder, remove_content):
    Conversation.objects.filter(started_by=user).update(started_by=placeholder)
    for name in ("assigned_to", "replying_by", "closed_by"):
        Conversation.objects.filter(**{name: user}).update(**{name: None})


register(
    Participant,
    on_delete="delete",
    why="Places and read marks in conversations; the others keep the conversation.",
    export=_export_places,
)
register(
    Message,
    on_delete="anonymise",
    why="The others keep the conversation; messages show Former member (removed on request).",
    export=_export_team_messages,
    erase=_erase_messages,
)
register(
    Conversation,
    on_delete="keep_minimal",
    why="A conversation belongs to everyone in it; only who started, answered or closed it "
    "pointed at the person.",
    export=None,
    erase=_erase_conversation_links,
)
register(ContactSetting, on_delete="delete", why="The person's own choice of who may write.")
