"""The site's own date formats (FORMAT_MODULE_PATH), one place for every page and email."""
