from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Forums"

    def ready(self) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth.signals import user_logged_in

        from groups.models import SupportGroup

        from .permissions import verified_email_at_sign_in
        from .receivers import email_address_changed, group_saved

        post_save.connect(group_saved, sender=SupportGroup, dispatch_uid="forums.group_language")
        for signal in (post_save, post_delete):
            signal.connect(
                email_address_changed, sender=EmailAddress, dispatch_uid="forums.email_address"
            )
        user_logged_in.connect(verified_email_at_sign_in, dispatch_uid="forums.verified_at_sign_in")
