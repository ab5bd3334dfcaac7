"""Seed the crisis lexicon and real crisis lines. Both stay editable in admin.

Phrases are explicit statements of intent only (see moderation/screening.py for why); the
exclusions are everyday sentences that would otherwise contain a phrase ("I don't want to die"
is fear, not intent).
"""

from django.db import migrations

PHRASES = {
    "en": [
        "kill myself",
        "killing myself",
        "end my life",
        "ending my life",
        "take my own life",
        "taking my own life",
        "want to die",
        "wanna die",
        "suicide",
        "suicidal",
        "better off dead",
        "better off without me",
        "no reason to live",
        "nothing to live for",
        "hurt myself",
        "harm myself",
        "self harm",
        "cut myself",
        "overdose",
        "end it all",
        "don't want to be here anymore",
        "don't want to live",
    ],
    "es": [
        "quiero morir",
        "quiero morirme",
        "suicidarme",
        "suicidio",
        "quitarme la vida",
        "acabar con mi vida",
        "no quiero vivir",
        "hacerme daño",
    ],
    "de": [
        "mich umbringen",
        "will sterben",
        "nicht mehr leben",
        "suizid",
        "selbstmord",
        "mir das leben nehmen",
    ],
    "fr": [
        "me suicider",
        "mettre fin à mes jours",
        "en finir avec la vie",
        "veux mourir",
        "me tuer",
        "envie de mourir",
    ],
}
EXCLUSIONS = {
    "en": [
        "kill myself laughing",
        "don't want to die",
        "dont want to die",
        "do not want to die",
        "not suicidal",
        "suicide prevention",
    ],
    "es": ["no quiero morir", "prevención del suicidio"],
    "de": ["will nicht sterben"],
    "fr": ["ne veux pas mourir"],
}
LINES = [
    ("GB", "en", "Samaritans", "116 123", "", "https://www.samaritans.org", "24/7"),
    ("GB", "en", "Shout", "", "Text SHOUT to 85258", "https://giveusashout.org", "24/7"),
    ("IE", "en", "Samaritans Ireland", "116 123", "", "https://www.samaritans.org/ireland", "24/7"),
    (
        "US",
        "en",
        "988 Suicide & Crisis Lifeline",
        "988",
        "Text 988",
        "https://988lifeline.org",
        "24/7",
    ),
    (
        "CA",
        "en",
        "9-8-8 Suicide Crisis Helpline (formerly Talk Suicide Canada)",
        "988",
        "Text 988",
        "https://988.ca",
        "24/7",
    ),
    (
        "AU",
        "en",
        "Lifeline Australia",
        "13 11 14",
        "Text 0477 13 11 14",
        "https://www.lifeline.org.au",
        "24/7",
    ),
    (
        "ES",
        "es",
        "Teléfono de la Esperanza",
        "717 003 717",
        "",
        "https://telefonodelaesperanza.org",
        "24 horas",
    ),
    ("ES", "es", "Línea 024 de atención a la conducta suicida", "024", "", "", "24 horas"),
    (
        "DE",
        "de",
        "TelefonSeelsorge",
        "0800 111 0 111",
        "",
        "https://www.telefonseelsorge.de",
        "rund um die Uhr",
    ),
    ("FR", "fr", "SOS Amitié", "09 72 39 40 50", "", "https://www.sos-amitie.com", "24h/24"),
    (
        "FR",
        "fr",
        "3114 Numéro national de prévention du suicide",
        "3114",
        "",
        "https://3114.fr",
        "24h/24",
    ),
    ("", "en", "Find A Helpline (worldwide directory)", "", "", "https://findahelpline.com", ""),
]


def seed(apps, schema_editor):
    CrisisPhrase = apps.get_model("moderation", "CrisisPhrase")
    CrisisResource = apps.get_model("moderation", "CrisisResource")
    for table, exclusion in ((PHRASES, False), (EXCLUSIONS, True)):
        for language, phrases in table.items():
            for phrase in phrases:
                CrisisPhrase.objects.get_or_create(
                    language=language, phrase=phrase, defaults={"is_exclusion": exclusion}
                )
    for order, (country, language, name, phone, text, url, hours) in enumerate(LINES):
        CrisisResource.objects.get_or_create(
            country=country,
            name=name,
            defaults={
                "language": language,
                "phone": phone,
                "text": text,
                "url": url,
                "hours": hours,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
