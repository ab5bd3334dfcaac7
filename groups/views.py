from django.shortcuts import get_object_or_404, render

from . import permissions
from .models import SupportGroup


def directory(request):
    groups = SupportGroup.objects.listed().order_by("name")
    return render(request, "groups/directory.html", {"groups": groups})


def detail(request, slug):
    group = get_object_or_404(SupportGroup.objects.visible_to(request.user), slug=slug)
    can_view_private = permissions.can_view_private(request.user, group)
    return render(
        request, "groups/detail.html", {"group": group, "can_view_private": can_view_private}
    )
