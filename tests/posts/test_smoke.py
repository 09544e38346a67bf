import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_front_page_lists_a_published_post(client, post):
    response = client.get(reverse("posts:front", kwargs={"course_slug": post.course.slug}))
    assert response.status_code == 200
    assert post.title in response.content.decode()
