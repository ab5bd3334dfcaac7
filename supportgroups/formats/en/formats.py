"""English date formats for the whole site, e.g. "25 Nov 2026, 08:46".

Django's own English locale ("Nov. 25, 2026, 8:46 a.m.") would win over settings.DATE_FORMAT
because USE_I18N is on, so the formats live here, found through FORMAT_MODULE_PATH. Templates then
write `{{ value }}`, `|date` or `|date:"DATETIME_FORMAT"` instead of repeating the pattern.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
