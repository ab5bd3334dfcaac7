"""Demo groups for `make run`: about twenty realistic groups, all people fictional.

Idempotent: everything is found by slug or email first, so running it twice changes nothing.
Memberships are written directly (not through groups.services) so loading demo data sends no
email; each gets one history line so the facilitator tools have something to show.
"""

import datetime
import json
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from supportgroups.demo import DEMO_PASSWORD
from supportgroups.models import User

from .models import Audience, CancerType, Language, Membership, MembershipEvent, SupportGroup

# Names are stored in English and shown in the reader's language (TaxonomyTerm.__str__,
# groups.selectors): marked here so the catalogues carry them.
CANCER_TYPES = [
    ("all", gettext_noop("All cancers")),
    ("breast", gettext_noop("Breast cancer")),
    ("prostate", gettext_noop("Prostate cancer")),
    ("lung", gettext_noop("Lung cancer")),
    ("bowel", gettext_noop("Bowel (colorectal) cancer")),
    ("blood", gettext_noop("Blood cancers (leukaemia, lymphoma, myeloma)")),
    ("brain", gettext_noop("Brain tumours")),
    ("gynaecological", gettext_noop("Gynaecological cancers")),
    ("head-and-neck", gettext_noop("Head and neck cancers")),
    ("skin", gettext_noop("Skin cancer and melanoma")),
    ("pancreatic", gettext_noop("Pancreatic cancer")),
    ("childrens", gettext_noop("Children's cancers")),
    ("sarcoma", gettext_noop("Sarcoma")),
    ("rare", gettext_noop("Rare cancers")),
]
AUDIENCES = [
    ("patients", gettext_noop("People living with cancer")),
    ("survivors", gettext_noop("Survivors")),
    ("caregivers", gettext_noop("Caregivers and family")),
    ("bereaved", gettext_noop("Bereaved")),
    ("teens", gettext_noop("Teenagers")),
    ("young-adults", gettext_noop("Young adults")),
    ("parents", gettext_noop("Parents of young children")),
    ("lgbtq", gettext_noop("LGBTQ+")),
    ("men", gettext_noop("Men")),
    ("women", gettext_noop("Women")),
]
LANGUAGES = [
    ("en", gettext_noop("English")),
    ("es", gettext_noop("Spanish")),
    ("fr", gettext_noop("French")),
    ("de", gettext_noop("German")),
    ("zh", gettext_noop("Chinese")),
    ("pt", gettext_noop("Portuguese")),
]
# More fictional members, so groups have a few people in them.
EXTRA_PEOPLE = [
    # email, display name, time zone (and SPEAKS: the language some of them read the site in)
    ("priya@example.org", "Priya", "Europe/London"),
    ("tomas@example.org", "Tomás", "Europe/Madrid"),
    ("grace@example.org", "Grace", "America/Chicago"),
    ("olu@example.org", "Olu", "Europe/London"),
    ("hannah@example.org", "Hannah", "Europe/Berlin"),
    ("wei@example.org", "Wei", "Asia/Singapore"),
]

# Each group: name, summary, format, place, time zone, join policy, capacity, taxonomy slugs,
# and the demo people (by the part of their email before the @) who facilitate or belong.
GROUPS = json.loads((Path(__file__).with_name("demo_groups.json")).read_text(encoding="utf-8"))
SPEAKS = {"tomas@example.org": "es", "hannah@example.org": "de"}


def _person(email: str, name: str, zone: str) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"display_name": name, "time_zone": zone, "language": SPEAKS.get(email, "")},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _member(user: User, group: SupportGroup, role: str) -> None:
    now = timezone.now()
    membership, created = Membership.objects.get_or_create(
        user=user,
        group=group,
        defaults={"role": role, "state": "active", "joined_at": now, "last_active_at": now},
    )
    if created:
        MembershipEvent.objects.create(membership=membership, kind=MembershipEvent.Kind.JOINED)


def _group_language(codes: list[str]) -> str:
    """The site's language a group is run in: the default one if it is among them, else the
    first of the site's languages that is (the Madrid group is Spanish)."""
    site = [code for code, _name in settings.LANGUAGES]
    if settings.LANGUAGE_CODE in codes or not codes:
        return settings.LANGUAGE_CODE
    return next((code for code in site if code in codes), settings.LANGUAGE_CODE)


def _group_fields(spec: dict) -> dict:
    fields = {
        name: spec[name]
        for name in ("name", "summary", "format", "city", "country", "time_zone", "join_policy")
    }
    fields["capacity"] = spec["capacity"]
    fields["language"] = _group_language(spec["languages"])
    fields["description"] = (
        f"{spec['summary']}\n\nEveryone here has been touched by cancer. We listen more than we "
        "advise, and what is said in the group stays in the group."
    )
    if cohort := spec.get("cohort"):
        today = datetime.date.today()
        fields["kind"] = SupportGroup.Kind.COHORT
        fields["cohort_starts_on"] = today + datetime.timedelta(weeks=cohort["starts_in_weeks"])
        fields["cohort_ends_on"] = today + datetime.timedelta(weeks=cohort["ends_in_weeks"])
        fields["screening_questions"] = spec.get("screening_questions", "")
    return fields


def load(stdout) -> None:
    for position, (slug, name) in enumerate(CANCER_TYPES):
        CancerType.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, name) in enumerate(AUDIENCES):
        Audience.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for code, name in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name})
    for email, name, zone in EXTRA_PEOPLE:
        _person(email, name, zone)
    people = {user.email.split("@")[0]: user for user in User.objects.all()}

    for spec in GROUPS:
        group, created = SupportGroup.objects.get_or_create(
            slug=spec["slug"], defaults=_group_fields(spec)
        )
        if created:
            group.cancer_types.set(CancerType.objects.filter(slug__in=spec["cancer_types"]))
            group.audiences.set(Audience.objects.filter(slug__in=spec["audiences"]))
            group.languages.set(Language.objects.filter(code__in=spec["languages"]))
        for key in spec["facilitators"]:
            _member(people[key], group, Membership.Role.FACILITATOR)
        for key in spec["members"]:
            _member(people[key], group, Membership.Role.MEMBER)

    # Cohort graduates carry on in the young adults' group; one request waits for Sam.
    cohort = SupportGroup.objects.get(slug="cohort-finding-your-feet")
    if cohort.alumni_group_id is None:
        cohort.alumni_group = SupportGroup.objects.get(slug="young-adults-after-treatment")
        cohort.save(update_fields=["alumni_group"])
    pending, created = Membership.objects.get_or_create(
        user=people["kai"],
        group=SupportGroup.objects.get(slug="young-adults-after-treatment"),
        defaults={"state": "pending", "join_note": "I finished treatment last month."},
    )
    if created:
        MembershipEvent.objects.create(
            membership=pending, kind=MembershipEvent.Kind.REQUESTED, actor=people["kai"]
        )
    stdout.write(
        f"Demo groups: {SupportGroup.objects.count()} groups; sam@example.org and "
        "ana@example.org facilitate, robin@, kai@, mei@, lucia@ and jo@ are members."
    )
