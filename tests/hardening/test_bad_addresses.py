"""No page number, date or filter in an address gives a 500: a 404, a redirect or an empty list."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.services import instructor_grant
from tests.factories import AwardFactory, InstructorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles", "UTC"])
@pytest.mark.parametrize("year", [1, 9999, 0])
def test_a_month_at_the_ends_of_the_calendar_is_a_404_in_any_time_zone(client, settings, post, zone, year):
    settings.TIME_ZONE = zone
    assert client.get(f"/c/{post.course.slug}/{year}/1/").status_code == 404
    assert client.get(f"/c/{post.course.slug}/{year}/12/").status_code == 404


def test_a_posts_date_spelt_with_leading_zeros_redirects_to_its_one_address(client, post):
    canonical = post.get_absolute_url()
    date = post.date_for_url
    padded = canonical.replace(
        f"/{date.year}/{date.month}/{date.day}/", f"/{date.year}/{date.month:02d}/0{date.day}/"
    )
    assert padded != canonical
    response = client.get(padded)
    assert response.status_code == 301
    assert response["Location"] == canonical


def test_a_hall_of_fame_page_past_the_last_is_a_404(client, post):
    AwardFactory(post=post)
    url = reverse("awards:hall-of-fame", kwargs={"course_slug": post.course.slug})
    assert client.get(url).status_code == 200
    assert client.get(url, {"page": "1"}).status_code == 200
    for page in ("2", "999999", "abc", "0"):
        assert client.get(url, {"page": page}).status_code == 404, page


def test_the_moderation_list_filtered_by_a_course_that_is_not_a_number_is_empty_not_a_500(post):
    instructor = InstructorFactory(course=post.course).user
    instructor_grant(user=instructor)
    client = Client()
    client.force_login(instructor)
    response = client.get(reverse("admin:comments_comment_changelist"), {"course": "abc"})
    assert response.status_code == 200
