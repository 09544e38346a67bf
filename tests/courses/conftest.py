import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created in most tests here: a slow hash would make the suite slow, not safer."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
