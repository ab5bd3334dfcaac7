# ruff: noqa: E501 - one resource a line reads best as a table
"""Demo library: real, well-known organisations, helplines and books with their public addresses.

The descriptions are short and factual; opening hours and numbers change, so helpline entries
send people to the organisation's own site for the current details. Crisis lines are not here:
they are moderation's CrisisResource list (see resources/models.py).
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from groups.models import Audience, CancerType, Language
from supportgroups.models import User

from .models import Country, Resource, Topic

COUNTRIES = {
    "GB": "United Kingdom", "IE": "Ireland", "US": "United States", "CA": "Canada",
    "AU": "Australia", "NZ": "New Zealand", "ES": "Spain", "DE": "Germany", "FR": "France",
    "EG": "Egypt", "JO": "Jordan",
}  # fmt: skip
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "ar": "العربية"}
# Stored in English, shown in the reader's language (the models' __str__): marked here so the
# catalogues carry them.
TOPICS = {
    "treatment": gettext_noop("Treatment and side effects"),
    "emotional-support": gettext_noop("Emotional support"),
    "money-work": gettext_noop("Money, work and rights"),
    "caring": gettext_noop("Caring for someone"),
    "bereavement": gettext_noop("Grief and bereavement"),
    "end-of-life": gettext_noop("End of life care"),
    "diet-exercise": gettext_noop("Diet, exercise and fatigue"),
    "rare-cancers": gettext_noop("Rare cancers"),
    "research": gettext_noop("Research and clinical trials"),
}
CANCER_TYPES = {
    "breast": gettext_noop("Breast cancer"), "prostate": gettext_noop("Prostate cancer"), "bowel": gettext_noop("Bowel cancer"),
    "pancreatic": gettext_noop("Pancreatic cancer"), "brain": gettext_noop("Brain tumours"), "sarcoma": gettext_noop("Sarcoma"),
    "blood": gettext_noop("Blood cancers"), "rare": gettext_noop("Rare cancers"),
}  # fmt: skip
AUDIENCES = {
    "patients": gettext_noop("People with cancer"),
    "caregivers": gettext_noop("Carers and family"),
    "bereaved": gettext_noop("Bereaved people"),
    "young-adults": gettext_noop("Teenagers and young adults"),
}

ORG, LINE, GUIDE, ART, BOOK, APP = "organisation", "hotline", "guide", "article", "book", "app"
# title, kind, url, summary, countries, languages (the first is the one the summary and body
# are written in: search reads them in it), topics, cancer types, audiences, body
RESOURCES = [
    ("Macmillan Cancer Support", ORG, "https://www.macmillan.org.uk/", "UK charity offering information, a free support line, money and work advice, and local support services for anyone affected by cancer.", "GB", "en", "treatment emotional-support money-work caring", "", "patients caregivers", ""),
    ("Macmillan Support Line", LINE, "", "Free UK line for information, emotional support, and help with money and work questions.", "GB", "en", "emotional-support money-work", "", "patients caregivers", "Call **0808 808 00 00** (free from UK phones). See macmillan.org.uk for current opening hours and the web chat."),
    ("Cancer Research UK", ORG, "https://www.cancerresearchuk.org/", "The UK's largest cancer research charity, with plain-English information on cancer types, tests, treatment and clinical trials.", "GB", "en", "treatment research", "", "patients caregivers", ""),
    ("Cancer Research UK nurse helpline", LINE, "", "Cancer Research UK's specialist nurses answer questions about cancer and treatment.", "GB", "en", "treatment", "", "patients caregivers", "Call **0808 800 4040** on weekdays. Check cancerresearchuk.org for current hours."),
    ("NHS: Cancer", ART, "https://www.nhs.uk/conditions/cancer/", "The NHS overview of cancer symptoms, diagnosis, treatment and where to get support in England.", "GB", "en", "treatment", "", "patients", ""),
    ("Maggie's", ORG, "https://www.maggies.org/", "Free drop-in centres next to NHS hospitals and online, with cancer support specialists, psychologists and benefits advisers.", "GB", "en", "emotional-support money-work", "", "patients caregivers", ""),
    ("Teenage Cancer Trust", ORG, "https://www.teenagecancertrust.org/", "UK charity providing specialist nursing and support for 13 to 24-year-olds with cancer.", "GB", "en", "emotional-support treatment", "", "young-adults", ""),
    ("Shine Cancer Support", ORG, "https://shinecancersupport.org/", "UK network for adults in their 20s, 30s and 40s with cancer: meet-ups, events and online support.", "GB", "en", "emotional-support", "", "young-adults", ""),
    ("Sarcoma UK", ORG, "https://sarcoma.org.uk/", "The UK bone and soft tissue sarcoma charity: information, a support line and research funding.", "GB", "en", "rare-cancers treatment", "sarcoma rare", "patients caregivers", ""),
    ("The Brain Tumour Charity", ORG, "https://www.thebraintumourcharity.org/", "UK charity funding brain tumour research and offering information and support for children and adults affected.", "GB", "en", "treatment emotional-support research", "brain", "patients caregivers", ""),
    ("Pancreatic Cancer UK", ORG, "https://www.pancreaticcancer.org.uk/", "Information, specialist nurses and support for people with pancreatic cancer and their families.", "GB", "en", "treatment diet-exercise", "pancreatic", "patients caregivers", ""),
    ("Prostate Cancer UK", ORG, "https://prostatecanceruk.org/", "UK charity with information, specialist nurses and support for men with prostate cancer and their families.", "GB", "en", "treatment emotional-support", "prostate", "patients caregivers", ""),
    ("Breast Cancer Now", ORG, "https://breastcancernow.org/", "UK breast cancer charity: research, information, a helpline and support services for anyone affected.", "GB", "en", "treatment emotional-support research", "breast", "patients caregivers", ""),
    ("Bowel Cancer UK", ORG, "https://www.bowelcanceruk.org.uk/", "UK charity with information about bowel cancer, screening, treatment and living with and beyond it.", "GB", "en", "treatment", "bowel", "patients caregivers", ""),
    ("Lymphoma Action", ORG, "https://lymphoma-action.org.uk/", "UK lymphoma charity with information, a helpline and support groups.", "GB", "en", "treatment emotional-support", "blood", "patients caregivers", ""),
    ("Marie Curie", ORG, "https://www.mariecurie.org.uk/", "Care and support through terminal illness, including nursing at home, hospices and a support line.", "GB", "en", "end-of-life caring bereavement", "", "patients caregivers bereaved", ""),
    ("Cruse Bereavement Support", ORG, "https://www.cruse.org.uk/", "UK charity supporting people after someone dies, with a free helpline, online chat and local volunteers.", "GB", "en", "bereavement", "", "bereaved", ""),
    ("Carers UK", ORG, "https://www.carersuk.org/", "Advice and support for unpaid carers in the UK, including rights at work and money.", "GB", "en", "caring money-work", "", "caregivers", ""),
    ("Irish Cancer Society", ORG, "https://www.cancer.ie/", "Ireland's national cancer charity: a support line, Daffodil Centres in hospitals, and financial and night nursing support.", "IE", "en", "treatment emotional-support money-work", "", "patients caregivers", ""),
    ("American Cancer Society", ORG, "https://www.cancer.org/", "US charity with information on every type of cancer, a 24-hour helpline, lodging and rides to treatment.", "US", "en es", "treatment emotional-support money-work", "", "patients caregivers", ""),
    ("American Cancer Society helpline", LINE, "", "Trained cancer information specialists, in English and Spanish.", "US", "en es", "treatment emotional-support", "", "patients caregivers", "Call **1-800-227-2345**, any time of day. Live chat is on cancer.org."),
    ("National Cancer Institute (cancer.gov)", ORG, "https://www.cancer.gov/", "The US government's cancer research agency, with reviewed information on treatment, coping and clinical trials.", "US", "en es", "treatment research", "", "patients caregivers", ""),
    ("NCI Cancer Information Service", LINE, "", "The National Cancer Institute's information specialists answer questions in English and Spanish.", "US", "en es", "treatment research", "", "patients caregivers", "Call **1-800-4-CANCER (1-800-422-6237)**. See cancer.gov for hours and live chat."),
    ("Cancer.Net (ASCO)", GUIDE, "https://www.cancer.net/", "Oncologist-approved patient guides from the American Society of Clinical Oncology.", "US", "en", "treatment research", "", "patients caregivers", ""),
    ("MedlinePlus: Cancer", ART, "https://medlineplus.gov/cancer.html", "The US National Library of Medicine's trusted overview of cancer, with links to further reading.", "US", "en", "treatment", "", "patients", ""),
    ("CancerCare", ORG, "https://www.cancercare.org/", "Free professional support from oncology social workers: counselling, support groups, education and financial help.", "US", "en es", "emotional-support money-work caring", "", "patients caregivers bereaved", ""),
    ("Cancer Support Community", ORG, "https://www.cancersupportcommunity.org/", "International non-profit offering free support groups, a helpline and education for people affected by cancer.", "US", "en", "emotional-support", "", "patients caregivers", ""),
    ("The Leukemia & Lymphoma Society (LLS)", ORG, "https://www.lls.org/", "Information specialists, financial help and support for people with blood cancers and their families.", "US", "en", "treatment money-work", "blood", "patients caregivers", ""),
    ("Young Survival Coalition", ORG, "https://www.youngsurvival.org/", "Community and resources for young adults diagnosed with breast cancer.", "US", "en", "emotional-support", "breast", "young-adults", ""),
    ("Stupid Cancer", ORG, "https://stupidcancer.org/", "US community for adolescents and young adults affected by cancer: meet-ups, events and online support.", "US", "en", "emotional-support", "", "young-adults", ""),
    ("Triage Cancer", ORG, "https://triagecancer.org/", "Free education on the legal and practical issues after diagnosis: work, insurance and finances.", "US", "en", "money-work", "", "patients caregivers", ""),
    ("NORD: National Organization for Rare Disorders", ORG, "https://rarediseases.org/", "US patient organisation for people with rare diseases, including many rare cancers, with disease reports and patient assistance.", "US", "en", "rare-cancers research", "rare", "patients caregivers", ""),
    ("Canadian Cancer Society", ORG, "https://cancer.ca/", "Canada's national cancer charity: information, a helpline and community support, in English and French.", "CA", "en fr", "treatment emotional-support", "", "patients caregivers", ""),
    ("Canadian Cancer Society information helpline", LINE, "", "Cancer information specialists for people in Canada, in English and French.", "CA", "en fr", "treatment", "", "patients caregivers", "Call **1-888-939-3333** on weekdays. See cancer.ca for current hours."),
    ("Cancer Council Australia", ORG, "https://www.cancer.org.au/", "Australia's national cancer charity, with information, support services and research.", "AU", "en", "treatment emotional-support", "", "patients caregivers", ""),
    ("Cancer Council 13 11 20", LINE, "", "Australia-wide information and support line staffed by cancer nurses and health professionals.", "AU", "en", "treatment emotional-support", "", "patients caregivers", "Call **13 11 20** for the cost of a local call. Hours vary by state: see cancer.org.au."),
    ("Cancer Society of New Zealand", ORG, "https://www.cancer.org.nz/", "New Zealand's cancer charity: information, supportive care services and accommodation during treatment.", "NZ", "en", "treatment emotional-support", "", "patients caregivers", ""),
    ("Asociación Española Contra el Cáncer", ORG, "https://www.contraelcancer.es/", "La principal organización contra el cáncer en España: información, apoyo psicológico y social, y el teléfono gratuito Infocáncer.", "ES", "es", "treatment emotional-support money-work", "", "patients caregivers", ""),
    ("GEPAC: Grupo Español de Pacientes con Cáncer", ORG, "https://www.gepac.es/", "Organización de pacientes con cáncer en España: información, apoyo y defensa de los derechos de los pacientes.", "ES", "es", "emotional-support money-work", "", "patients", ""),
    ("Fundación Josep Carreras contra la Leucemia", ORG, "https://www.fcarreras.org/", "Fundación española dedicada a la leucemia y otras enfermedades de la sangre: investigación y apoyo a pacientes.", "ES", "es", "research treatment", "blood", "patients caregivers", ""),
    ("Deutsche Krebshilfe", ORG, "https://www.krebshilfe.de/", "Gemeinnützige Organisation in Deutschland: Informationen, Beratung und Förderung der Krebsforschung.", "DE", "de", "treatment emotional-support research", "", "patients caregivers", ""),
    ("Krebsinformationsdienst (DKFZ)", ART, "https://www.krebsinformationsdienst.de/", "Der Krebsinformationsdienst des Deutschen Krebsforschungszentrums beantwortet Fragen zu Krebs, am Telefon und per E-Mail.", "DE", "de", "treatment research", "", "patients caregivers", ""),
    ("Ligue contre le cancer", ORG, "https://www.ligue-cancer.net/", "Association française : information, soutien aux personnes malades et à leurs proches, et recherche.", "FR", "fr", "emotional-support treatment research", "", "patients caregivers", ""),
    ("Institut national du cancer (INCa)", ART, "https://www.e-cancer.fr/", "Agence sanitaire française : informations de référence sur les cancers, les traitements et le dépistage.", "FR", "fr", "treatment", "", "patients", ""),
    ("مستشفى سرطان الأطفال مصر 57357", ORG, "https://www.57357.org/", "مستشفى خيري في القاهرة يعالج الأطفال المصابين بالسرطان مجانًا، ويقدم الدعم للأطفال وأسرهم.", "EG", "ar en", "treatment caring", "", "young-adults caregivers", ""),
    ("مركز الحسين للسرطان", ORG, "https://www.khcc.jo/", "مركز متخصص في علاج السرطان في عمّان، يقدم العلاج والرعاية التلطيفية والدعم النفسي للمرضى وعائلاتهم.", "JO", "ar en", "treatment emotional-support end-of-life", "", "patients caregivers", ""),
    ("Rare Cancers Europe", ORG, "https://www.rarecancerseurope.org/", "A multi-stakeholder initiative working on rare cancers across Europe.", "GB IE ES DE FR", "en", "rare-cancers research", "rare sarcoma", "patients caregivers", ""),
    ("Untire", APP, "https://untire.me/", "App with a programme of exercises and tips for cancer-related fatigue.", "", "en", "diet-exercise", "", "patients", ""),
    ("When Breath Becomes Air, by Paul Kalanithi", BOOK, "", "A neurosurgeon's memoir of his diagnosis with lung cancer: about meaning, work and family.", "", "en", "emotional-support end-of-life", "", "patients caregivers bereaved", "Published in 2016. Available from libraries and bookshops in many languages."),
    ("The Emperor of All Maladies, by Siddhartha Mukherjee", BOOK, "", "A Pulitzer Prize-winning history of cancer and the people who have fought it.", "", "en", "research", "", "patients caregivers", "Published in 2010. Available from libraries and bookshops in many languages."),
]  # fmt: skip
# Addresses for titles slugify cannot spell (a slug in a URL is Latin letters and digits).
SLUGS = {
    "مستشفى سرطان الأطفال مصر 57357": "childrens-cancer-hospital-egypt-57357",
    "مركز الحسين للسرطان": "king-hussein-cancer-center",
}


def _taxon(model, slug: str, name: str):
    """Reuse a tag made by another app's demo (same slug or name) rather than making a twin."""
    found = model.objects.filter(Q(slug=slug) | Q(name__iexact=name)).first()
    return found or model.objects.create(slug=slug, name=name)


def load(stdout) -> None:
    reviewer = User.objects.filter(is_staff=True).order_by("pk").first()
    countries = {
        code: Country.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in COUNTRIES.items()
    }
    languages = {
        code: Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in LANGUAGES.items()
    }
    topics = {slug: _taxon(Topic, slug, name) for slug, name in TOPICS.items()}
    cancer_types = {slug: _taxon(CancerType, slug, name) for slug, name in CANCER_TYPES.items()}
    audiences = {slug: _taxon(Audience, slug, name) for slug, name in AUDIENCES.items()}
    today = timezone.localdate()
    for title, kind, url, summary, cc, langs, tops, cts, auds, body in RESOURCES:
        resource, _ = Resource.objects.get_or_create(
            slug=SLUGS.get(title) or slugify(title),
            defaults={
                "title": title,
                "kind": kind,
                "url": url,
                "summary": summary,
                "body": body,
                "language": langs.split()[0],
                "state": Resource.State.PUBLISHED,
                "reviewed_by": reviewer,
                "reviewed_on": today,
            },
        )
        resource.countries.set([countries[c] for c in cc.split()])
        resource.languages.set([languages[c] for c in langs.split()])
        resource.topics.set([topics[t] for t in tops.split()])
        resource.cancer_types.set([cancer_types[c] for c in cts.split()])
        resource.audiences.set([audiences[a] for a in auds.split()])
    stdout.write(f"Resources library: {len(RESOURCES)} reviewed resources.")
