from django.apps import AppConfig


class SupportGroupsConfig(AppConfig):
    name = "supportgroups"
    verbose_name = "Accounts and site"

    def ready(self):
        # Privacy: sign-in records, Celery tasks, the audited User admin, and every
        # app's export/deletion registrations (tests/privacy checks none is missing).
        from .privacy import admin, receivers, registry, tasks  # noqa: F401

        registry.autodiscover()
