"""Demo groups for `make run`: about twenty realistic groups, all people fictional.

Idempotent: everything is found by slug or email first, so running it twice changes nothing.
Memberships are written directly (not through groups.services) so loading demo data sends no
email; each gets one history line so the facilitator tools have something to show.
"""

import datetime

from allauth.account.models import EmailAddress
from django.utils import timezone

from supportgroups.demo import DEMO_PASSWORD
from supportgroups.models import User

from .models import Audience, CancerType, Language, Membership, MembershipEvent, SupportGroup

CANCER_TYPES = [
    ("all", "All cancers"),
    ("breast", "Breast cancer"),
    ("prostate", "Prostate cancer"),
    ("lung", "Lung cancer"),
    ("colorectal", "Bowel (colorectal) cancer"),
    ("blood", "Blood cancers (leukaemia, lymphoma, myeloma)"),
    ("brain", "Brain tumours"),
    ("gynaecological", "Gynaecological cancers"),
    ("head-and-neck", "Head and neck cancers"),
    ("skin", "Skin cancer and melanoma"),
    ("pancreatic", "Pancreatic cancer"),
    ("childrens", "Children's cancers"),
    ("rare", "Rare cancers"),
]
AUDIENCES = [
    ("patients", "People living with cancer"),
    ("survivors", "Survivors"),
    ("caregivers", "Caregivers and family"),
    ("bereaved", "Bereaved"),
    ("teens", "Teenagers"),
    ("young-adults", "Young adults"),
    ("parents", "Parents of young children"),
    ("lgbtq", "LGBTQ+"),
    ("men", "Men"),
    ("women", "Women"),
]
LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("zh", "Chinese"),
    ("pt", "Portuguese"),
]
# More fictional members, so groups have a few people in them.
EXTRA_PEOPLE = [
    ("priya@example.org", "Priya", "Europe/London"),
    ("tomas@example.org", "Tomás", "Europe/Madrid"),
    ("grace@example.org", "Grace", "America/Chicago"),
    ("olu@example.org", "Olu", "Europe/London"),
    ("hannah@example.org", "Hannah", "Europe/Berlin"),
    ("wei@example.org", "Wei", "Asia/Singapore"),
]

_TODAY = datetime.date.today()
_WEEK = datetime.timedelta(weeks=1)

# slug, name, summary, cancer types, audiences, format, city, country, languages, time zone,
# join policy, capacity, facilitator emails, member emails, extra fields
GROUPS = [
    ("breast-friends-london", "Breast Friends London", "A warm evening circle for women during and after breast cancer treatment.", ["breast"], ["patients", "women"], "in_person", "London", "GB", ["en"], "Europe/London", "open", None, ["sam"], ["robin", "priya", "mei"], {}),
    ("prostate-talk-online", "Prostate Talk", "Men talking openly about prostate cancer, treatment choices and life afterwards.", ["prostate"], ["patients", "men", "survivors"], "online", "", "", ["en"], "Europe/London", "open", None, ["sam"], ["olu", "kai"], {}),
    ("caring-for-someone", "Caring for Someone", "For partners, family and friends looking after someone with any cancer.", ["all"], ["caregivers"], "online", "", "", ["en"], "America/New_York", "approval", 12, ["ana"], ["grace", "jo"], {}),
    ("cuidadores-madrid", "Cuidadores Madrid", "Grupo de apoyo para familiares y cuidadores de personas con cáncer.", ["all"], ["caregivers"], "hybrid", "Madrid", "ES", ["es"], "Europe/Madrid", "open", 15, ["ana"], ["lucia", "tomas"], {}),
    ("young-adults-after-treatment", "Life After Treatment (18-39)", "Young adults finding their feet again after cancer treatment ends.", ["all"], ["young-adults", "survivors"], "online", "", "", ["en"], "Europe/London", "approval", 10, ["sam"], ["robin", "hannah"], {}),
    ("lung-cancer-breathing-space", "Breathing Space", "Support for people with lung cancer and those close to them.", ["lung"], ["patients", "caregivers"], "online", "", "", ["en"], "America/Chicago", "open", None, ["ana"], ["grace"], {}),
    ("bowel-cancer-manchester", "Bowel Cancer Manchester", "Monthly meet-up for people affected by bowel cancer in Greater Manchester.", ["colorectal"], ["patients", "survivors", "caregivers"], "in_person", "Manchester", "GB", ["en"], "Europe/London", "open", 20, ["sam"], ["olu"], {}),
    ("blood-cancer-circle", "Blood Cancer Circle", "Living with leukaemia, lymphoma or myeloma: treatment, waiting and everyday life.", ["blood"], ["patients"], "online", "", "", ["en"], "America/Los_Angeles", "approval", 12, ["ana"], ["kai", "wei"], {}),
    ("brain-tumour-carers", "Brain Tumour Carers", "For carers of people with a brain tumour: changes in personality, fatigue and planning.", ["brain"], ["caregivers"], "online", "", "", ["en"], "Europe/London", "approval", 8, ["sam"], ["jo"], {}),
    ("gynae-cancer-sisters", "Gynae Cancer Sisters", "Ovarian, womb and cervical cancer: a space to talk about what is hard to say elsewhere.", ["gynaecological"], ["patients", "women"], "hybrid", "Bristol", "GB", ["en"], "Europe/London", "open", None, ["sam"], ["priya", "hannah"], {}),
    ("head-and-neck-voices", "Head and Neck Voices", "Eating, speaking and looking different after head and neck cancer.", ["head-and-neck"], ["patients", "survivors"], "online", "", "", ["en"], "America/New_York", "open", None, ["ana"], [], {}),
    ("melanoma-sun-and-after", "Melanoma: Sun and After", "For people living with melanoma and other skin cancers.", ["skin"], ["patients", "survivors"], "online", "", "", ["en"], "Australia/Sydney", "open", None, ["ana"], ["jo"], {}),
    ("pancreatic-cancer-families", "Pancreatic Cancer Families", "Families facing pancreatic cancer together, including after a loss.", ["pancreatic"], ["caregivers", "bereaved"], "online", "", "", ["en"], "Europe/London", "approval", 12, ["sam"], [], {}),
    ("parents-of-children-with-cancer", "Parents Together", "Parents of children and teenagers with cancer, on and off treatment.", ["childrens"], ["parents", "caregivers"], "hybrid", "Leeds", "GB", ["en"], "Europe/London", "approval", 15, ["sam"], ["robin"], {}),
    ("teen-cancer-hangout", "Teen Hangout", "A relaxed online hangout for teenagers with cancer. Facilitated by youth workers.", ["all"], ["teens"], "online", "", "", ["en"], "Europe/London", "invitation", 10, ["sam"], [], {}),
    ("lgbtq-cancer-support", "Out With Cancer", "LGBTQ+ people affected by cancer, and their partners.", ["all"], ["lgbtq", "patients", "caregivers"], "online", "", "", ["en"], "America/New_York", "open", None, ["ana"], ["kai"], {}),
    ("rare-cancers-network", "Rare Cancers Network", "When few people have your cancer: sharing what we have learned.", ["rare"], ["patients", "caregivers"], "online", "", "", ["en", "fr"], "Europe/Paris", "open", None, ["ana"], ["hannah"], {}),
    ("groupe-parole-paris", "Groupe de parole Paris", "Un groupe de parole pour les personnes touchées par un cancer.", ["all"], ["patients", "caregivers"], "in_person", "Paris", "FR", ["fr"], "Europe/Paris", "open", 14, ["ana"], [], {}),
    ("trauer-nach-krebs", "Trauer nach Krebs", "Für Hinterbliebene, die einen Menschen an Krebs verloren haben.", ["all"], ["bereaved"], "online", "", "", ["de"], "Europe/Berlin", "approval", 10, ["sam"], ["hannah"], {}),
    ("singapore-breast-cancer-circle", "Singapore Breast Cancer Circle", "Bilingual support circle for women with breast cancer in Singapore.", ["breast"], ["patients", "women"], "in_person", "Singapore", "SG", ["en", "zh"], "Asia/Singapore", "open", 12, ["ana"], ["mei", "wei"], {}),
    ("cohort-finding-your-feet", "Finding Your Feet: 8-week course", "A closed 8-week cohort led by an oncology counsellor, for the months after treatment ends.", ["all"], ["survivors"], "online", "", "", ["en"], "Europe/London", "approval", 10, ["sam"], ["robin", "priya"], {"kind": "cohort", "cohort_starts_on": _TODAY + 2 * _WEEK, "cohort_ends_on": _TODAY + 10 * _WEEK, "screening_questions": "When did your treatment end?\nWhat would you like to get from the course?"}),
    ("cohort-caregiver-resilience", "Caregiver Resilience: spring cohort", "A 6-week cohort for caregivers, now running; join the waitlist for the next one.", ["all"], ["caregivers"], "online", "", "", ["en"], "America/New_York", "approval", 8, ["ana"], ["grace", "jo"], {"kind": "cohort", "cohort_starts_on": _TODAY - 2 * _WEEK, "cohort_ends_on": _TODAY + 4 * _WEEK}),
]  # fmt: skip


def _person(email: str, name: str, zone: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "time_zone": zone}
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

    for row in GROUPS:
        (slug, name, summary, cancers, audiences, fmt, city, country, languages, zone) = row[:10]
        policy, capacity, facilitators, members, extra = row[10:]
        group, created = SupportGroup.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "summary": summary,
                "description": f"{summary}\n\nEveryone here has been touched by cancer. "
                "We listen more than we advise, and what is said in the group stays here.",
                "format": fmt,
                "city": city,
                "country": country,
                "time_zone": zone,
                "join_policy": policy,
                "capacity": capacity,
                **extra,
            },
        )
        if created:
            group.cancer_types.set(CancerType.objects.filter(slug__in=cancers))
            group.audiences.set(Audience.objects.filter(slug__in=audiences))
            group.languages.set(Language.objects.filter(code__in=languages))
        for key in facilitators:
            _member(people[key], group, Membership.Role.FACILITATOR)
        for key in members:
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
