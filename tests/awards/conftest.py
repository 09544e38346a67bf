import pytest

from tests.factories import AwardTypeFactory, EditorialTermFactory, MembershipFactory


@pytest.fixture
def red_star(course):
    return AwardTypeFactory(course=course, name="Red star", slug="red-star")


@pytest.fixture
def editor(course):
    """A student whose editorial term covers today."""
    return EditorialTermFactory(member=MembershipFactory(course=course)).member.user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Most tests here create several users: a slow hash would slow the suite, not secure it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_instructor(instructor):
    """The course's instructor, let into the admin the way the site does it (the Instructors group)."""
    from courses.services import instructor_grant, instructors_group_sync

    instructors_group_sync()
    instructor_grant(user=instructor)
    return instructor
