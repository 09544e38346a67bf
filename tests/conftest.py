import os

# Playwright's sync API runs an event loop in the main thread; without this,
# pytest-django's database set-up raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from tests.factories import (  # noqa: E402
    CourseFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a user by design; tests create thousands of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Russian leaves Russian active in the thread: the next test starts in English again."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture
def course(db):
    return CourseFactory()


@pytest.fixture
def members_only_course(db):
    return CourseFactory(visibility="members")


@pytest.fixture
def student(course):
    return MembershipFactory(course=course).user


@pytest.fixture
def instructor(course):
    return InstructorFactory(course=course).user


@pytest.fixture
def other_instructor(db):
    return InstructorFactory(course=CourseFactory()).user


@pytest.fixture
def outsider(db):
    return UserFactory()


@pytest.fixture
def post(course, student):
    return PostFactory(course=course, author=student)
