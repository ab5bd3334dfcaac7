from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Groups"

    def ready(self):
        # moderation may not import groups, so groups tells it who moderates which group.
        from moderation.registry import register_group_scope

        from . import permissions, selectors
        from .models import SupportGroup

        register_group_scope(
            facilitated_group_ids=permissions.facilitated_group_ids,
            group_facilitators=lambda group_id: list(selectors.facilitators_of(group=group_id)),
            group_premoderation=lambda group_id: (
                SupportGroup.objects.filter(pk=group_id)
                .values_list("premoderated_posts", flat=True)
                .first()
                or 0
            ),
            group_names=lambda ids: dict(
                SupportGroup.objects.filter(pk__in=ids).values_list("pk", "name")
            ),
        )
