"""Demo moderation data: an on-duty rota and one waiting report (all people fictional).
Crisis lines and the lexicon are seeded by migrations 0002 and 0006, so every install has them."""

import datetime

from django.contrib.auth import get_user_model

from .models import OnDutyShift, ReviewItem
from .services import request_review


def load(stdout) -> None:
    User = get_user_model()
    admin = User.objects.filter(email="admin@example.org").first()
    sam = User.objects.filter(email="sam@example.org").first()
    if admin is None:
        return
    for weekday in range(7):
        OnDutyShift.objects.get_or_create(
            user=admin,
            weekday=weekday,
            is_backup=False,
            defaults={"start": datetime.time(0, 0), "end": datetime.time(23, 59, 59)},
        )
        if sam is not None:
            OnDutyShift.objects.get_or_create(
                user=sam,
                weekday=weekday,
                is_backup=True,
                defaults={"start": datetime.time(8, 0), "end": datetime.time(20, 0)},
            )
    kai = User.objects.filter(email="kai@example.org").first()
    mei = User.objects.filter(email="mei@example.org").first()
    if kai and mei and not ReviewItem.objects.filter(object_id=kai.pk).exists():
        request_review(target=kai, reason="spam", note="Keeps posting shop links.", by=mei)
    stdout.write("Moderation: a round-the-clock rota (admin, backup Sam) and one waiting report.")
