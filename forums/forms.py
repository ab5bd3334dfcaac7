"""Forms for writing and for reading preferences. Services validate again; forms give the
writer field-level errors while keeping everything they typed."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import Board, EmailPreference, Topic, TopicPreference


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Markdown works: *italic*, **bold**, > quote, - lists. Write @name to mention."
        ),
        error_messages={"required": _("Write a message before posting.")},
    )
    content_warning = forms.CharField(
        label=_("Content warning (optional)"),
        required=False,
        max_length=120,
        help_text=_("If you give one, your message starts folded away behind it."),
    )
    is_anonymous = forms.BooleanField(label=_("Post anonymously"), required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, board=None, allow_anonymous=True, **kwargs):
        super().__init__(*args, **kwargs)
        # A validator rather than max_length: no maxlength attribute silently cuts a long paste.
        self.fields["body"].validators.append(
            MaxLengthValidator(
                settings.FORUMS_MAX_POST_LENGTH,
                message=_(
                    "This message is %(show_value)s characters long; the limit is "
                    "%(limit_value)s. Your text is still here: shorten it or split it in two."
                ),
            )
        )
        if not (allow_anonymous and board is not None and board.allows_anonymous):
            del self.fields["is_anonymous"]


class EditPostForm(PostForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, allow_anonymous=False, **kwargs)
        del self.fields["parent"]


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    topics = forms.ModelMultipleChoiceField(
        label=_("Sensitive topics this thread touches"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Readers can choose to hide or fold away threads about these."),
    )
    field_order = ["title", "topics", "content_warning", "body", "is_anonymous"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["parent"]
        self.fields["body"].label = _("Opening message")


class PreferencesForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("Email me about replies and mentions"),
        choices=EmailPreference.Digest.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Show as usual")), *TopicPreference.Action.choices]
        for topic in topics:
            self.fields[f"topic_{topic.pk}"] = forms.ChoiceField(
                label=str(topic), choices=choices, required=False
            )
        self.topics = topics

    def topic_actions(self) -> dict[int, str]:
        return {
            topic.pk: self.cleaned_data[f"topic_{topic.pk}"]
            for topic in self.topics
            if self.cleaned_data.get(f"topic_{topic.pk}")
        }


class ThreadControlForm(forms.Form):
    """One of a thread's controls (the names are moderation's action table's), with the words
    the audit log keeps: required to lock (the thread shows them), close or move it."""

    action = forms.ChoiceField(
        choices=[
            (name, name) for name in ("pin", "unpin", "lock", "unlock", "close", "reopen", "move")
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Why (kept in the audit log; a lock shows it on the thread)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    board = forms.ModelChoiceField(
        label=_("Move to"), queryset=Board.objects.none(), required=False
    )

    def __init__(self, *args, thread=None, **kwargs):
        super().__init__(*args, **kwargs)
        board = self.fields["board"]
        if thread is not None and not thread.board.is_private:
            assert isinstance(board, forms.ModelChoiceField)
            board.queryset = Board.objects.filter(group__isnull=True).exclude(pk=thread.board_id)


class PostModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (kept in the audit log and told to the writer)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason: it is kept in the audit log.")},
    )
