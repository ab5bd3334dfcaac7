"""Changing one's own message: only its author, within CONVERSATIONS_EDIT_FOR, never while it is
with the moderators; screened again like a new message; marked "edited" for everyone; the words
before are kept for the moderators of a flagged or reported message and nobody else."""

import pytest
from django.urls import reverse

from groups.conversations import services
from groups.conversations.models import Message, MessageRevision
from groups.policy import WriteRefused
from moderation import services as moderation
from moderation.models import Reason, ReviewItem
from supportgroups.privacy import deletion
from supportgroups.privacy import services as privacy
from supportgroups.privacy.export import collect
from tests.conversations.conftest import People, client_for, say, start
from tests.factories import with_mfa
from tests.moderation.conftest import crisis_lexicon  # noqa: F401 - a fixture

FIRST = "My scan is on Monday too."
CHANGED = "My scan is on Tuesday, actually."


def _pair(people: People):
    conversation = start(people.nico, people.group, people.marta, body=FIRST)
    services.accept(conversation=conversation, user=people.marta)
    return conversation


def _edit_url(conversation, sequence=1) -> str:
    return reverse("conversations:edit", args=[conversation.pk, sequence])


@pytest.mark.django_db
def test_the_author_changes_a_message_with_the_plain_form_and_everyone_sees_it_edited(
    people, time_machine
):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    conversation = _pair(people)
    nico = client_for(people.nico)
    page = nico.get(conversation.get_absolute_url()).content.decode()
    assert _edit_url(conversation) in page, "an Edit link on his own message"
    marta_page = client_for(people.marta).get(conversation.get_absolute_url()).content.decode()
    assert _edit_url(conversation) not in marta_page, "not on someone else's"

    time_machine.move_to("2026-05-04 09:10Z", tick=False)
    form = nico.get(_edit_url(conversation))
    assert form.status_code == 200 and FIRST in form.content.decode()
    response = nico.post(_edit_url(conversation), {"body": CHANGED})
    assert response.status_code == 302
    assert response["Location"].endswith(f"{conversation.get_absolute_url()}#message-1")

    message = Message.objects.get(conversation=conversation, sequence=1)
    assert message.body == CHANGED and message.edited_at is not None
    assert list(MessageRevision.objects.values_list("body", flat=True)) == [FIRST]
    marta_page = client_for(people.marta).get(conversation.get_absolute_url()).content.decode()
    assert CHANGED in marta_page and "(edited)" in marta_page
    assert FIRST not in marta_page, "the earlier words are the moderators' only"


@pytest.mark.django_db
def test_after_the_window_the_change_is_refused_and_the_text_kept(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    conversation = _pair(people)
    time_machine.move_to("2026-05-04 09:15:01Z", tick=False)
    nico = client_for(people.nico)
    assert _edit_url(conversation) not in nico.get(conversation.get_absolute_url()).content.decode()
    late_link = nico.get(_edit_url(conversation), follow=True)
    assert late_link.redirect_chain[0][0].endswith("#message-1")
    assert "A message can be changed for 15 minutes" in late_link.content.decode()
    response = nico.post(_edit_url(conversation), {"body": CHANGED})
    assert response.status_code == 403
    page = response.content.decode()
    assert "A message can be changed for 15 minutes after sending it." in page
    assert CHANGED in page, "what they typed stays"
    assert Message.objects.get(conversation=conversation).body == FIRST
    assert not MessageRevision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["marta", "oscar", "fran"])
def test_nobody_else_opens_the_edit_page(people, who):
    conversation = _pair(people)
    person = getattr(people, who)
    client = client_for(person)
    assert client.get(_edit_url(conversation)).status_code == 404
    assert client.post(_edit_url(conversation), {"body": CHANGED}).status_code == 404
    with pytest.raises(WriteRefused):
        services.edit_message(conversation=conversation, editor=person, sequence=1, body=CHANGED)
    assert Message.objects.get(conversation=conversation).body == FIRST


@pytest.mark.django_db
@pytest.mark.parametrize("sequence", ["2", "99999999999999999999"])
def test_an_unknown_message_is_a_404(people, sequence):
    conversation = _pair(people)
    url = f"/messages/{conversation.pk}/messages/{sequence}/edit/"
    assert client_for(people.nico).post(url, {"body": CHANGED}).status_code == 404


@pytest.mark.django_db
def test_unstorable_or_empty_text_is_refused_and_nothing_changes(people):
    conversation = _pair(people)
    nico = client_for(people.nico)
    for body, status in [("a\x00b", 400), ("   ", 400)]:
        assert nico.post(_edit_url(conversation), {"body": body}).status_code == status
    assert Message.objects.get(conversation=conversation).body == FIRST


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["hidden", "held"])
def test_a_message_with_the_moderators_cannot_be_changed(people, state):
    conversation = _pair(people)
    Message.objects.filter(conversation=conversation).update(**{f"is_{state}": True})
    response = client_for(people.nico).post(_edit_url(conversation), {"body": CHANGED})
    assert response.status_code == 403
    assert Message.objects.get(conversation=conversation).body == FIRST


@pytest.mark.django_db
def test_after_a_block_the_conversation_takes_no_changes(people):
    conversation = _pair(people)
    privacy.block(blocker=people.marta, blocked=people.nico)
    response = client_for(people.nico).post(_edit_url(conversation), {"body": CHANGED})
    assert response.status_code == 403
    assert "This conversation has ended." in response.content.decode()
    assert Message.objects.get(conversation=conversation).body == FIRST


@pytest.mark.django_db
def test_a_changed_message_is_screened_again_crisis_words_take_the_crisis_path(
    people,
    crisis_lexicon,  # noqa: F811
):
    conversation = _pair(people)
    response = client_for(people.nico).post(
        _edit_url(conversation), {"body": "I want to end my life."}
    )
    assert response.status_code == 200
    assert "It sounds like things are very hard right now" in response.content.decode()
    assert ReviewItem.objects.get().crisis


@pytest.mark.django_db
def test_a_change_into_spam_is_held_and_the_others_lose_the_message(people):
    conversation = _pair(people)
    result = services.edit_message(
        conversation=conversation,
        editor=people.nico,
        sequence=1,
        body="Cheap pills at www.pills.example.com",
    )
    assert result.screen.held and result.message.is_held
    marta_page = client_for(people.marta).get(conversation.get_absolute_url()).content.decode()
    assert "Cheap pills" not in marta_page and FIRST not in marta_page


@pytest.mark.django_db
def test_the_moderators_of_a_reported_message_read_what_it_said_before(people):
    moderator = with_mfa(people.fran)
    conversation = _pair(people)
    say(conversation, people.marta, "Oh, which hospital?")
    unkind = say(conversation, people.nico, "Nothing you would understand.").message
    services.edit_message(
        conversation=conversation, editor=people.nico, sequence=unkind.sequence, body="Never mind"
    )
    moderation.request_review(
        target=unkind, reason=Reason.HARASSMENT, note="He changed it", by=people.marta
    )
    item = ReviewItem.objects.get()
    page = client_for(moderator).get(f"/moderation/items/{item.pk}/").content.decode()
    assert "Never mind" in page and "Nothing you would understand." in page
    assert "Edited by its author" in page


@pytest.mark.django_db
@pytest.mark.parametrize("remove_content", [False, True])
def test_deleting_the_account_removes_the_earlier_words_when_asked(people, remove_content):
    conversation = _pair(people)
    services.edit_message(conversation=conversation, editor=people.nico, sequence=1, body=CHANGED)
    deletion.delete_account(user=people.nico, remove_content=remove_content)
    assert MessageRevision.objects.exists() is not remove_content


@pytest.mark.django_db
def test_an_unchanged_text_keeps_no_revision(people, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    conversation = _pair(people)
    time_machine.move_to("2026-05-04 09:05Z", tick=False)
    services.edit_message(conversation=conversation, editor=people.nico, sequence=1, body=FIRST)
    assert Message.objects.get(conversation=conversation).edited_at is None
    assert not MessageRevision.objects.exists()


@pytest.mark.django_db
def test_the_authors_export_holds_their_words_before_each_edit_and_nobody_elses(
    people, time_machine
):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    conversation = _pair(people)
    time_machine.move_to("2026-05-04 09:05Z", tick=False)
    services.edit_message(conversation=conversation, editor=people.nico, sequence=1, body=CHANGED)

    [nicos] = collect(user=people.nico)["records"]["conversations.Participant"]["rows"]
    [message] = nicos["messages"]
    assert message["body"] == CHANGED
    assert [earlier["body"] for earlier in message["before_edits"]] == [FIRST]

    [martas] = collect(user=people.marta)["records"]["conversations.Participant"]["rows"]
    [message] = martas["messages"]
    assert message["body"] == CHANGED and "before_edits" not in message
