"""The mentor application in Django admin: the screening checklist and the experience, whose
treatments are chosen from their list (stored as JSON, which SQLite holds too)."""

import pytest
from django.urls import reverse

from groups.mentoring import services
from groups.mentoring.models import MentorApplication, Treatment

from .conftest import make_mentor, make_request

pytestmark = pytest.mark.django_db


def test_staff_change_an_applications_treatments_from_their_choices(admin_client, english):
    application = make_mentor("Mentor Max", languages=[english], treatments=[Treatment.SURGERY])
    url = reverse("admin:mentoring_mentorapplication_change", args=[application.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'type="checkbox" name="treatments" value="chemotherapy"' in page.content.decode()

    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"treatments", "languages"}
    }
    data.update(
        user=application.user.pk, languages=[english.pk], treatments=["surgery", "chemotherapy"]
    )
    for name in ("interview_done_at", "training_done_at", "agreement_signed_at", "approved_at"):
        data.pop(name, None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    application.refresh_from_db()
    assert application.treatments == ["surgery", "chemotherapy"]

    data["treatments"] = ["not-a-treatment"]
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and "treatments" in refused.context["adminform"].form.errors
    assert MentorApplication.objects.get(pk=application.pk).treatments == [
        "surgery",
        "chemotherapy",
    ]


def test_the_admin_cannot_approve_a_mentor_or_change_a_match_around_the_services(
    admin_client, english, coordinator
):
    """Approval checks the checklist and a match's state carries who may see whom: both change
    on the coordinator's pages only."""
    application = make_mentor("New Mentor", languages=[english], approved=False)
    url = reverse("admin:mentoring_mentorapplication_change", args=[application.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "state" not in form.fields
    data = {k: v for k, v in form.initial.items() if v is not None and k != "languages"}
    data.update(user=application.user.pk, languages=[english.pk], state="approved")
    assert admin_client.post(url, data).status_code == 302
    application.refresh_from_db()
    assert application.state == MentorApplication.State.APPLIED

    mentor = make_mentor("Mentor Max", languages=[english]).user
    match = services.propose(request=make_request(), mentor=mentor, by=coordinator)
    page = admin_client.get(reverse("admin:mentoring_match_change", args=[match.pk]))
    assert page.status_code == 200 and not page.context["adminform"].form.fields
    assert admin_client.get(reverse("admin:mentoring_match_add")).status_code == 403
