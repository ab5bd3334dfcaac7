from django.contrib import admin


class AppendOnlyAdmin(admin.ModelAdmin):
    """Audit records: staff may read them, nobody may add, change or delete them from the site."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
