"""Who is told when a check-in opens a task: the group's facilitators, in-app. The line says
a member would like someone to reach out, never their score or answers."""

from django.urls import reverse
from django.utils.translation import gettext as _

from groups.selectors import facilitators_of
from supportgroups.services import notify

from .models import CheckInTask


def tell_facilitators(task: CheckInTask) -> None:
    url = reverse("checkins:facilitators", args=[task.group.slug])
    for person in facilitators_of(group=task.group_id):
        if person.pk == task.member_id:
            continue
        notify(
            user=person,
            kind="moderation",
            title=_("A check-in needs a facilitator"),
            body=_("A member of %(group)s checked in above the group's threshold.")
            % {"group": task.group.name},
            url=url,
        )
