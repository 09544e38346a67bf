import pytest

from tests.factories import AwardTypeFactory, EditorialTermFactory, MembershipFactory


@pytest.fixture
def red_star(course):
    return AwardTypeFactory(course=course, name="Red star", slug="red-star")


@pytest.fixture
def editor(course):
    """A student whose editorial term covers today."""
    return EditorialTermFactory(member=MembershipFactory(course=course)).member.user
