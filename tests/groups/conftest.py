import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test here makes several people; real PBKDF2 would make the suite crawl."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
