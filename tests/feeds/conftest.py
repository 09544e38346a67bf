import feedparser
import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, CourseFactory, FeedTokenFactory, MembershipFactory

SITE = "https://blogs.example.edu"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def read_feed(response, format="atom"):
    """The feed as a feed reader sees it: parsed by feedparser, which must find nothing wrong."""
    assert response.status_code == 200, response.status_code
    expected = {"atom": "application/atom+xml", "rss": "application/rss+xml"}[format]
    assert response["Content-Type"].startswith(expected)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == {"atom": "atom10", "rss": "rss20"}[format]
    return parsed


def titles(parsed):
    return [entry.title for entry in parsed.entries]


def content_of(entry) -> str:
    """The entry's full HTML: Atom's <content>, RSS's <description>."""
    if entry.get("content"):
        return entry.content[0].value
    return entry.summary


def feed_url(kind, course=None, format="atom", token=None, **kwargs):
    if token is not None:
        return reverse(f"feeds:private-{kind}", kwargs={"token": token, "format": format, **kwargs})
    return reverse(f"feeds:{kind}", kwargs={"course_slug": course.slug, "format": format, **kwargs})


@pytest.fixture
def course(db):
    return CourseFactory(title="Soviet History", slug="soviet-history")


@pytest.fixture
def category(course):
    return CategoryFactory(course=course, name="Essays", slug="essays")


@pytest.fixture
def closed_course(db):
    return CourseFactory(title="Seminar", slug="seminar", visibility="members")


@pytest.fixture
def closed_member(closed_course):
    return MembershipFactory(course=closed_course, display_name="Mira Member")


@pytest.fixture
def closed_token(closed_member):
    return FeedTokenFactory(membership=closed_member)
