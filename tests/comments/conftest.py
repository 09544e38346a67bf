import pytest
from django.urls import reverse

from tests.factories import CommentFactory, MembershipFactory


def create_url(post):
    return reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug})


def comment_action_url(name, comment):
    return reverse(f"comments:{name}", kwargs={"course_slug": comment.post.course.slug, "pk": comment.pk})


@pytest.fixture
def member(course):
    """A classmate of the post's author."""
    return MembershipFactory(course=course, display_name="Classmate Cora").user


@pytest.fixture
def trusted_member(course, post):
    """A member with an approved comment already, so the first-comment hold no longer applies."""
    user = MembershipFactory(course=course, display_name="Trusted Tom").user
    CommentFactory(post=post, author=user, body="An earlier approved comment.")
    return user
