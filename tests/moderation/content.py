"""A stand-in for a forum post: moderation's tests need moderatable content without forums.

Its table is created by the `post_model` fixture (it has no migration: it is not part of the
product), and it has no foreign key to the user, so no app-wide check counts it.
app_label "moderation" lets content types resolve it like a real model. Its adapter is
registered the way an app's moderation.py registers one.
"""

from django.contrib.auth import get_user_model
from django.db import models

from moderation.adapters import ModerationAdapter, register


class FakePost(models.Model):
    # An id, not a foreign key: the privacy registry test walks every model with a user key.
    author_ref = models.PositiveBigIntegerField(null=True)
    body = models.TextField()
    group = models.PositiveBigIntegerField(null=True)
    hidden = models.BooleanField(default=False)

    class Meta:
        app_label = "moderation"
        db_table = "test_moderation_fakepost"
        managed = False

    def __str__(self):
        return self.body[:30]

    def get_absolute_url(self) -> str:
        return f"/fake-posts/{self.pk}/"

    @property
    def author(self):
        return get_user_model().objects.filter(pk=self.author_ref).first()

    @author.setter
    def author(self, user):
        self.author_ref = user.pk if user else None

    @classmethod
    def shown_to_members(cls):
        """What members see: not hidden (held posts are created hidden by the writer's side)."""
        return cls.objects.filter(hidden=False)


@register
class FakePostModeration(ModerationAdapter[FakePost]):
    model = FakePost
    hideable = restorable = editable = True

    @property
    def author(self):
        return self.obj.author

    def text_for_screening(self) -> str:
        return self.obj.body

    def group_id(self):
        return self.obj.group

    def url(self) -> str:
        return self.obj.get_absolute_url()

    def hide(self, *, reason: str) -> None:
        self.obj.hidden = True
        self.obj.save(update_fields=["hidden"])

    def restore(self) -> None:
        self.obj.hidden = False
        self.obj.save(update_fields=["hidden"])

    def edit(self, *, text: str) -> None:
        self.obj.body = text
        self.obj.save(update_fields=["body"])
