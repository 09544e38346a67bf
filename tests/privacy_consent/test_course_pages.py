"""The course's other world-facing pages follow the rule: hall of fame, prompt, Students' Choice, digest."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coursework import weeks
from tests.factories import (
    AwardFactory,
    DigestFactory,
    MembershipFactory,
    PostFactory,
    PromptFactory,
    PromptResponseFactory,
)


@pytest.fixture
def two_posts(course):
    """A consenting student's post and a classmate's who never consented, both live this week."""
    shown = PostFactory(course=course, title="Shown to the world")
    hidden = PostFactory(
        course=course,
        author=MembershipFactory(course=course, consented=False).user,
        title="Kept in the class",
    )
    return shown, hidden


def _pages(course, two_posts):
    shown, hidden = two_posts
    for post in two_posts:
        AwardFactory(post=post)
    prompt = PromptFactory(course=course)
    for post in two_posts:
        PromptResponseFactory(post=post, prompt=prompt)
    week = weeks.week_of(course, timezone.now())
    digest = DigestFactory(course=course, week=week, status="published", published_at=timezone.now())
    for position, post in enumerate(two_posts, start=1):
        digest.features.create(post=post, position=position)
    return [
        reverse("awards:hall-of-fame", args=[course.slug]),
        prompt.get_absolute_url(),
        reverse("coursework:choice-week", args=[course.slug, week.isoformat()]),
        reverse("coursework:digest", args=[course.slug, week.isoformat()]),
    ]


@pytest.mark.parametrize("reader", ["anonymous", "outsider", "member"])
def test_each_page_shows_the_hidden_post_to_members_only(client, course, two_posts, reader, outsider):
    urls = _pages(course, two_posts)
    if reader == "outsider":
        client.force_login(outsider)
    elif reader == "member":
        client.force_login(MembershipFactory(course=course).user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Shown to the world" in page, url
        assert ("Kept in the class" in page) == (reader == "member"), url
