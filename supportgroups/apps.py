from django.apps import AppConfig


class SupportGroupsConfig(AppConfig):
    name = "supportgroups"
    verbose_name = "Accounts and site"

    def ready(self):
        # Privacy: sign-in records, Celery tasks, the audited User admin, and every
        # app's export/deletion registrations (tests/privacy checks none is missing).
        from .privacy import admin, receivers, registry, tasks  # noqa: F401

        registry.autodiscover()
        # Every database connection reports the writes visitors' kept pages depend on.
        from django.db.backends.signals import connection_created

        from .visitor_pages import watch_connection

        connection_created.connect(watch_connection, dispatch_uid="visitor-pages")
        from django.contrib.auth.signals import user_logged_in

        from .selectors import unread_notifications_at_sign_in

        user_logged_in.connect(
            unread_notifications_at_sign_in, dispatch_uid="notifications_count_at_sign_in"
        )
        # A notification edited or deleted around the services (the admin, its bulk delete)
        # moves its person's count too; the services move it themselves.
        from django.db.models.signals import post_delete, post_save

        from .models import Notification
        from .services import notification_edited

        post_save.connect(notification_edited, sender=Notification, dispatch_uid="bell-save")
        post_delete.connect(notification_edited, sender=Notification, dispatch_uid="bell-delete")
