from django.apps import AppConfig


class SupportGroupsConfig(AppConfig):
    name = "supportgroups"
    verbose_name = "Accounts and site"
