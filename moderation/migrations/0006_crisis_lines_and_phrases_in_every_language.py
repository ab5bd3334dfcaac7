"""Crisis phrases and lines for the site's other languages and the countries their speakers
live in. Like 0002 (whose rules they follow), rows are only added, never changed: whatever
moderators edited in admin stays.

Lines are well-known national services. Where no national crisis line is known for certain,
the country gets its emergency numbers, and the worldwide directory (0002) is listed after
every country's lines. Hours are in the line's language, left blank where not known for sure.
Arabic phrases are stored as commonly typed; screening folds alef, taa marbuta and alef
maqsura spellings, tatweel and vowel marks on both sides (supportgroups.folding), and sets
apart "and"/"so" (و ف) joined to a word; other joined prefixes are listed ("بالانتحار").
"""

from django.db import migrations

PHRASES = {
    "ar": [
        "أريد أن أموت",
        "أتمنى الموت",
        "سأقتل نفسي",
        "أقتل نفسي",
        "أنهي حياتي",
        "إنهاء حياتي",
        "أنتحر",
        "سأنتحر",
        "انتحار",
        "الانتحار",
        "بالانتحار",
        "للانتحار",
        "أؤذي نفسي",
        "إيذاء نفسي",
        "لا أريد أن أعيش",
    ],
    "es": [
        "no quiero seguir viviendo",
        "terminar con mi vida",
        "autolesionarme",
    ],
    "fr": [
        "mettre fin à ma vie",
        "me faire du mal",
        "plus envie de vivre",
        "suicidaire",
        "suicidaires",
    ],
    "de": [
        "möchte sterben",
        "sterben will",
        "mir etwas antun",
        "mir was antun",
        "mich selbst verletzen",
        "suizidgedanken",
    ],
}
EXCLUSIONS = {
    "ar": ["لا أريد أن أموت", "الوقاية من الانتحار"],
    "es": ["no quiero morirme"],
    "fr": ["pas envie de mourir", "prévention du suicide"],
    "de": ["nicht sterben will", "möchte nicht sterben", "suizid prävention"],
}
LINES = [
    # Spanish
    (
        "US",
        "es",
        "988 Línea de Prevención del Suicidio y Crisis (en español)",
        "988",
        "Envía AYUDA al 988",
        "https://988lineadevida.org",
        "24/7",
    ),
    ("MX", "es", "Línea de la Vida", "800 911 2000", "", "", "24 horas"),
    ("MX", "es", "Emergencias", "911", "", "", "24 horas"),
    ("AR", "es", "Centro de Asistencia al Suicida (CABA y Gran Buenos Aires)", "135", "", "", ""),
    ("AR", "es", "Centro de Asistencia al Suicida (todo el país)", "011 5275 1135", "", "", ""),
    ("CO", "es", "Línea 192, opción 4 (salud mental)", "192", "", "", ""),
    ("CO", "es", "Emergencias", "123", "", "", "24 horas"),
    ("CL", "es", "Línea de Prevención del Suicidio", "*4141", "", "", "24 horas"),
    # French
    (
        "BE",
        "fr",
        "Centre de Prévention du Suicide",
        "0800 32 123",
        "",
        "https://www.preventionsuicide.be",
        "24h/24",
    ),
    ("BE", "nl", "Zelfmoordlijn 1813", "1813", "", "https://www.zelfmoord1813.be", "24/7"),
    ("CH", "fr", "La Main Tendue", "143", "", "https://www.143.ch", "24h/24"),
    ("CH", "de", "Die Dargebotene Hand", "143", "", "https://www.143.ch", "rund um die Uhr"),
    ("CH", "it", "Telefono Amico", "143", "", "https://www.143.ch", "24 ore su 24"),
    (
        "CA",
        "fr",
        "Ligne québécoise de prévention du suicide (1 866 APPELLE)",
        "1 866 277 3553",
        "",
        "https://suicide.ca",
        "24 h sur 24",
    ),
    (
        "CA",
        "fr",
        "9-8-8 Ligne d'aide en cas de crise de suicide",
        "988",
        "Texto au 988",
        "https://988.ca/fr",
        "24 h sur 24",
    ),
    # German
    (
        "DE",
        "de",
        "TelefonSeelsorge (weitere Nummer)",
        "0800 111 0 222",
        "",
        "https://www.telefonseelsorge.de",
        "rund um die Uhr",
    ),
    (
        "AT",
        "de",
        "TelefonSeelsorge Österreich",
        "142",
        "",
        "https://www.telefonseelsorge.at",
        "rund um die Uhr",
    ),
    (
        "AT",
        "de",
        "Rat auf Draht (für Kinder und Jugendliche)",
        "147",
        "",
        "https://www.rataufdraht.at",
        "rund um die Uhr",
    ),
    # Arabic
    ("LB", "ar", "Embrace: خط الدعم النفسي والوقاية من الانتحار", "1564", "", "", ""),
    ("EG", "ar", "الخط الساخن للأمانة العامة للصحة النفسية", "08008880700", "", "", ""),
    ("EG", "ar", "الإسعاف", "123", "", "", "24/7"),
    ("SA", "ar", "رقم الطوارئ الموحد", "911", "", "", "24/7"),
    ("SA", "ar", "مركز اتصال وزارة الصحة", "937", "", "", "24/7"),
    ("AE", "ar", "الإسعاف", "998", "", "", "24/7"),
    ("AE", "ar", "الشرطة", "999", "", "", "24/7"),
    ("MA", "ar", "الوقاية المدنية (الإسعاف)", "15", "", "", "24/7"),
    ("MA", "ar", "الشرطة", "19", "", "", "24/7"),
    ("JO", "ar", "رقم الطوارئ الموحد", "911", "", "", "24/7"),
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
    dependencies = [("moderation", "0005_thread_controls")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
