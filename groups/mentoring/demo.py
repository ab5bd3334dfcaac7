"""Three fictional mentors (approved, with their checklist done) and one person waiting for a
mentor, so that the coordinator's page has something to rank. Idempotent."""

from typing import TextIO

from django.utils import timezone

from groups.models import CancerType, Language
from supportgroups.models import User

from .models import MentorApplication, MentorRequest

MENTORS = [
    # email, role, cancer slug, age range, languages, time zone, treatments, comfortable topics
    (
        "kai@example.org",
        "survivor",
        "breast",
        "30s",
        ["en"],
        "America/Los_Angeles",
        ["surgery", "chemotherapy"],
        "Going back to work, fertility, telling friends",
    ),
    (
        "lucia@example.org",
        "survivor",
        "breast",
        "40s",
        ["es", "en"],
        "Europe/Madrid",
        ["surgery", "radiotherapy", "hormone"],
        "Hair loss, children, exercise after treatment",
    ),
    (
        "mei@example.org",
        "caregiver",
        "prostate",
        "50s",
        ["en"],
        "Asia/Singapore",
        ["hormone"],
        "Caring for a partner, looking after yourself",
    ),
]


def load(stdout: TextIO) -> None:
    if MentorApplication.objects.exists():
        stdout.write("Demo mentoring: nothing to add.")
        return
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    jo = people.get("jo@example.org")
    if jo is None:
        stdout.write("Demo mentoring: the demo people are missing.")
        return
    now = timezone.now()
    for email, role, cancer, age, languages, zone, treatments, topics in MENTORS:
        if email not in people:
            continue
        application = MentorApplication.objects.create(
            user=people[email],
            role=role,
            cancer_type=CancerType.objects.filter(slug=cancer).first(),
            age_range=age,
            time_zone=zone,
            treatments=treatments,
            capacity=2,
            comfortable_topics=topics,
            state=MentorApplication.State.APPROVED,
            interview_done_at=now,
            training_done_at=now,
            agreement_signed_at=now,
            approved_at=now,
        )
        application.languages.set(Language.objects.filter(code__in=languages))
    request = MentorRequest.objects.create(
        mentee=jo,
        role=MentorRequest.Role.PATIENT,
        cancer_type=CancerType.objects.filter(slug="breast").first(),
        age_range="30s",
        time_zone=jo.time_zone,
        treatments=["chemotherapy"],
        topics="Just diagnosed and starting chemo next month. How do people keep working?",
        weight_cancer=3,
        weight_age=2,
        weight_language=3,
    )
    request.languages.set(Language.objects.filter(code="en"))
    stdout.write(
        "Demo mentoring: three mentors and Jo waiting for one; admin@example.org coordinates."
    )
