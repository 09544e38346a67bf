from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from courses.services import instructor_grant
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    EditorialTermFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created by the dozen here: a slow hash would make the suite slow, not safer."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def build_course(name: str):
    """One course with an instructor (in the admin's Instructors group) and one of everything."""
    from posts.models import Tag

    course = CourseFactory(title=f"Course {name}", slug=f"course-{name.lower()}")
    instructor = InstructorFactory(
        course=course, user=UserFactory(username=f"teacher_{name.lower()}"), display_name=f"Teacher {name}"
    ).user
    instructor_grant(user=instructor)
    membership = MembershipFactory(
        course=course, user=UserFactory(username=f"student_{name.lower()}"), display_name=f"Student {name}"
    )
    category = CategoryFactory(course=course, name=f"Sources {name}", slug=f"sources-{name.lower()}")
    tag = Tag.objects.create(course=course, name=f"tag {name}", slug=f"tag-{name.lower()}")
    post = PostFactory(course=course, author=membership.user, category=category, title=f"Post of {name}")
    post.tags.add(tag)
    comment = CommentFactory(
        post=post, author=instructor, body=f"Pending comment in {name}", status="pending"
    )
    award_type = AwardTypeFactory(course=course, name=f"Star {name}", slug=f"star-{name.lower()}")
    award = AwardFactory(post=post, award_type=award_type, given_by=instructor)
    term = EditorialTermFactory(member=membership, course=course)
    return SimpleNamespace(
        course=course,
        instructor=instructor,
        student=membership.user,
        objects={
            "courses.course": course,
            "courses.membership": membership,
            "posts.post": post,
            "posts.category": category,
            "posts.tag": tag,
            "comments.comment": comment,
            "awards.awardtype": award_type,
            "awards.award": award,
            "awards.editorialterm": term,
        },
    )


@pytest.fixture
def course_a(db):
    return build_course("A")


@pytest.fixture
def course_b(db):
    return build_course("B")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)
