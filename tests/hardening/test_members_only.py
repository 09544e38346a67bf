"""Members-only content never reaches outsiders: not in pages, not in lists, not by email."""

import pytest
from django.urls import reverse

from awards import services as award_services
from comments import services as comment_services
from courses.models import Membership
from tests.factories import (
    AwardTypeFactory,
    CourseFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_course():
    return CourseFactory(visibility="members", title="Secret Seminar")


def test_public_pages_never_list_members_only_posts_or_their_images(client, secret_course):
    public = CourseFactory(title="Open Course")
    PostFactory(course=public, title="Open essay")
    secret = PostFactory(
        course=secret_course, title="Secret essay", body="![A map](/media/posts/2026/11/secret-map.png)"
    )
    outsider = UserFactory()
    for user in (None, outsider):
        if user:
            client.force_login(user)
        pages = [reverse("courses:list"), public.get_absolute_url()]
        for url in pages:
            page = client.get(url).content.decode()
            assert "Secret Seminar" not in page
            assert "Secret essay" not in page
            assert "secret-map.png" not in page
        assert client.get(secret.get_absolute_url()).status_code == 404


def test_a_former_member_gets_no_email_about_the_course(
    mailoutbox, django_capture_on_commit_callbacks, secret_course
):
    post = PostFactory(course=secret_course)
    commenter = MembershipFactory(course=secret_course).user
    InstructorFactory(course=secret_course)
    first = comment_services.comment_create(post=post, author=commenter, body="First")
    comment_services.comment_approve(comment=first, by=post.author)
    # The post's author leaves the course.
    Membership.objects.filter(course=secret_course, user=post.author).delete()
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_create(post=post, author=commenter, body="A second thought")
    assert [m for m in mailoutbox if post.author.email in m.to] == []


def test_a_former_member_is_not_emailed_an_award(
    mailoutbox, django_capture_on_commit_callbacks, secret_course
):
    post = PostFactory(course=secret_course)
    instructor = InstructorFactory(course=secret_course).user
    award_type = AwardTypeFactory(course=secret_course)
    Membership.objects.filter(course=secret_course, user=post.author).delete()
    with django_capture_on_commit_callbacks(execute=True):
        award_services.award_grant(post=post, award_type=award_type, by=instructor, note="Fine work")
    assert mailoutbox == []


def test_a_member_is_emailed_an_award(mailoutbox, django_capture_on_commit_callbacks, secret_course):
    post = PostFactory(course=secret_course)
    instructor = InstructorFactory(course=secret_course).user
    award_type = AwardTypeFactory(course=secret_course)
    with django_capture_on_commit_callbacks(execute=True):
        award_services.award_grant(post=post, award_type=award_type, by=instructor, note="Fine work")
    assert [m.to for m in mailoutbox] == [[post.author.email]]
