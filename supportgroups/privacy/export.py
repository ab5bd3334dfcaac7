"""A person's data export: built from the registry, so every app's rows are included."""

from datetime import timedelta

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from supportgroups.models import DataExport

from . import registry
from .emails import send_user_email

FORMAT = "supportgroups-export/1"
_SALT = "supportgroups.privacy.export"


def collect(*, user) -> dict:
    """Everything the site holds about `user`, keyed by model label (JSON-serialisable)."""
    records, not_exported, account = {}, {}, {}
    for entry in registry.entries():
        if entry.export is None:
            not_exported[entry.label] = entry.why
            continue
        rows = entry.export(user, registry.rows_for(entry, user))
        if entry.on_delete == "account":
            account = rows[0] if rows else {}
        else:
            records[entry.label] = {
                "verbose_name": str(entry.model._meta.verbose_name_plural),
                "rows": rows,
            }
    return {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "account": account,
        "records": records,
        "not_exported": not_exported,
    }


@transaction.atomic
def request_export(*, user) -> DataExport:
    """Queue an export unless one is already being prepared (a second click adds nothing)."""
    from .tasks import build_export_task

    pending = (
        DataExport.objects.select_for_update()
        .filter(user=user, state=DataExport.State.PENDING)
        .first()
    )
    if pending is not None:
        return pending
    export = DataExport.objects.create(user=user)
    # Celery's Django fixup makes every task a DjangoTask; the stubs type a plain Task.
    build_export_task.delay_on_commit(export.pk)  # type: ignore[attr-defined]
    return export


def build_export(*, export_id: int) -> DataExport | None:
    """Fill in the export and email its link. Safe to run twice (a redelivered task)."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.state == DataExport.State.READY:
            return export
        export.data = collect(user=export.user)
        export.state = DataExport.State.READY
        export.ready_at = timezone.now()
        export.save(update_fields=["data", "state", "ready_at"])
    send_user_email(
        user=export.user,
        kind="account",
        subject=gettext_lazy("Your data is ready to download"),
        template="privacy/email/export_ready.txt",
        context={"token": make_token(export=export), "hours": link_hours()},
    )
    return export


def link_hours() -> int:
    return settings.DATA_EXPORT_LINK_MAX_AGE // 3600


def make_token(*, export: DataExport) -> str:
    return TimestampSigner(salt=_SALT).sign_object({"e": export.pk, "u": export.user_id})


def export_for_token(*, token: str, user, max_age: int) -> DataExport | None:
    """The export a link points at, only for the signed-in person it was made for, in time."""
    try:
        payload = TimestampSigner(salt=_SALT).unsign_object(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if payload.get("u") != user.pk:
        return None
    return DataExport.objects.filter(
        pk=payload.get("e"), user=user, state=DataExport.State.READY
    ).first()


def purge_expired(*, max_age: int) -> int:
    """Delete exports whose links have expired: copies of personal data shouldn't linger."""
    cutoff = timezone.now() - timedelta(seconds=max_age)
    deleted, _ = DataExport.objects.filter(requested_at__lt=cutoff).delete()
    return deleted
