import pytest

from tests.factories import CategoryFactory, CourseFactory, InstructorFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created by the dozen here: a slow hash would make the suite slow, not safer."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(course):
    """A student of `course`, logged in nowhere yet."""
    return MembershipFactory(course=course, display_name="Kim Writer").user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def world(db):
    """A course with an author, a classmate, its instructor, another course's instructor and an outsider."""

    def build(visibility="public"):
        course = CourseFactory(visibility=visibility)
        people = {
            "author": MembershipFactory(course=course, display_name="The Author").user,
            "student": MembershipFactory(course=course).user,
            "instructor": InstructorFactory(course=course).user,
            "other_instructor": InstructorFactory(course=CourseFactory()).user,
            "outsider": UserFactory(),
        }
        category = CategoryFactory(course=course, name="Primary sources", slug="primary-sources")
        return course, people, category

    return build
