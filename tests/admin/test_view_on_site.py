"""The admin's "View on site" redirect tells an instructor nothing about other courses."""

import pytest
from django.contrib.contenttypes.models import ContentType

from courses.services import instructor_grant
from posts.models import Post
from tests.factories import InstructorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def _view_on_site(post):
    return f"/admin/r/{ContentType.objects.get_for_model(Post).pk}/{post.pk}/"


@pytest.fixture
def instructor_and_posts():
    mine = PostFactory(title="Mine")
    theirs = PostFactory(title="Theirs")
    instructor = InstructorFactory(course=mine.course).user
    instructor_grant(user=instructor)
    return instructor, mine, theirs


def test_an_instructor_is_sent_to_their_own_courses_post(client, instructor_and_posts):
    instructor, mine, _ = instructor_and_posts
    client.force_login(instructor)
    response = client.get(_view_on_site(mine))
    assert response.status_code == 302
    assert response["Location"].endswith(mine.get_absolute_url())


def test_another_courses_post_is_not_found_and_its_address_not_told(client, instructor_and_posts):
    instructor, _, theirs = instructor_and_posts
    client.force_login(instructor)
    response = client.get(_view_on_site(theirs))
    assert response.status_code == 404
    assert theirs.slug not in response.content.decode()
    assert theirs.course.slug not in response.get("Location", "")


def test_a_superuser_is_sent_anywhere(client, instructor_and_posts):
    _, _, theirs = instructor_and_posts
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(_view_on_site(theirs))
    assert response.status_code == 302
    assert response["Location"].endswith(theirs.get_absolute_url())


def test_anonymous_visitors_are_sent_to_log_in(client, instructor_and_posts):
    _, mine, _ = instructor_and_posts
    response = client.get(_view_on_site(mine))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("object_id", ["abc", "1.5", "%00"])
def test_an_address_that_names_no_key_is_not_found_not_a_server_error(
    client, instructor_and_posts, object_id
):
    instructor, _, _ = instructor_and_posts
    content_type = ContentType.objects.get_for_model(Post).pk
    for user in (instructor, UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(user)
        assert client.get(f"/admin/r/{content_type}/{object_id}/").status_code == 404
