"""The crisis lexicon, spam heuristics and pre-moderation as screen() applies them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from moderation import services
from moderation.models import CrisisPhrase, Flag, ReviewItem
from moderation.screening import crisis_match, normalise
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "i WANT to KILL. myself!!",
        "Honestly... I'd be better off dead.",
        "I keep thinking about suicide",
        "Ya no puedo más, quiero morirme",  # es
        "Je veux mettre fin a mes jours",  # fr, accent typed without the grave
        "Ich will mich umbringen",  # de
        "I don’t want to be here anymore",  # typographic apostrophe
    ],
)
def test_crisis_phrases_match_across_case_punctuation_accents_and_languages(text):
    assert crisis_match(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "the chemo is killing me",  # everyday cancer talk: no lexicon phrase says this
        "This fatigue is killing me, honestly",
        "I don't want to die, I want to see my kids grow up",  # fear, not intent (exclusion)
        "That joke, I could kill myself laughing",  # idiom (exclusion)
        "No quiero morir todavía",  # es exclusion
        "My scan results are terrible and I'm dying to know what's next",
        "Selfharmony is a band",  # a phrase must match whole words
    ],
)
def test_ordinary_cancer_talk_does_not_flag(text):
    assert crisis_match(text) is None


def test_normalise_folds_case_accents_and_punctuation():
    assert normalise("Mettre FIN à mes jours!!!") == " mettre fin a mes jours "


def test_lexicon_is_editable(post_model):
    assert crisis_match("I feel like disappearing forever") is None
    CrisisPhrase.objects.create(language="en", phrase="disappearing forever")
    assert crisis_match("I feel like disappearing forever") == "disappearing forever"


def test_screen_crisis_opens_an_escalated_item_and_tells_the_writer(post_model, scope):
    post = post_model.objects.create(author=UserFactory(), body="I want to end my life", group=1)
    result = services.screen(post)
    assert result.crisis and not result.held
    item = ReviewItem.objects.get()
    assert item.state == "escalated" and item.crisis and item.priority == 0
    assert item.flags.get().kind == Flag.Kind.CRISIS
    # Editing the same words again adds no second flag.
    services.screen(post)
    assert item.flags.count() == 1


def test_ordinary_post_is_accepted_without_an_item(post_model):
    post = post_model.objects.create(author=UserFactory(), body="the chemo is killing me")
    assert services.screen(post) == services.ScreenResult(held=False, crisis=False)
    assert not ReviewItem.objects.exists()


def test_links_from_new_accounts_are_held_as_spam(post_model):
    newcomer = UserFactory()
    post = post_model.objects.create(author=newcomer, body="Cure cancer at www.miracle.example")
    assert services.screen(post).held
    assert ReviewItem.objects.get().reason == "spam"

    veteran = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    old = post_model.objects.create(author=veteran, body="Useful: https://www.cancer.gov")
    assert not services.screen(old).held


def test_repeated_text_from_a_new_account_is_spam_but_an_edit_is_not(post_model):
    newcomer = UserFactory()
    pitch = "Join my wellness group now for the miracle diet plan"
    first = post_model.objects.create(author=newcomer, body=pitch)
    assert not services.screen(first).held
    assert not services.screen(first).held  # the same post edited
    second = post_model.objects.create(author=newcomer, body=pitch.upper() + "!!")
    assert services.screen(second).held
    # Short kind words said twice are not spam.
    for _ in range(2):
        thanks = post_model.objects.create(author=newcomer, body="Thank you, sending hugs")
        assert not services.screen(thanks).held


def test_premoderation_holds_a_new_members_first_n_posts(post_model, scope, facilitator):
    scope.premoderation[1] = 2
    member = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    posts = [post_model.objects.create(author=member, body=f"hello {i}", group=1) for i in range(3)]
    assert [services.screen(p).held for p in posts] == [True, True, False]
    # Other groups and the group's facilitators are not held.
    elsewhere = post_model.objects.create(author=member, body="hi", group=2)
    assert not services.screen(elsewhere).held
    own = post_model.objects.create(author=facilitator, body="welcome", group=1)
    assert not services.screen(own).held
    # Re-screening a held post (an edit) keeps it held, and counts it once.
    assert services.screen(posts[0]).held
    assert Flag.objects.filter(kind="premoderation").count() == 2
