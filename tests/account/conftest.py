import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import CommentFactory, MembershipFactory

PASSWORD = "pass-for-tests-1"  # tests/factories.py UserFactory's
WHATS_NEW = reverse("account:whats-new")
ACCOUNT = reverse("account:home")
COURSES = reverse("courses:list")


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def nav_link(response):
    """The site navigation's "What's new" link, as read aloud (its hidden words included)."""
    nav = soup(response).find("nav", attrs={"aria-label": "Site"})
    link = nav.find("a", href=WHATS_NEW)
    return " ".join(link.get_text().split()) if link else None


def notice_lines(response):
    """The notices on the What's new page, newest first: (text, is new)."""
    items = soup(response).select("ul.notices li.notice")
    return [(" ".join(li.find("button").get_text().split()), "notice-unread" in li["class"]) for li in items]


@pytest.fixture
def classmate(course, post):
    """A member whose comments are approved at once (one was approved before)."""
    user = MembershipFactory(course=course, display_name="Classmate Cora").user
    CommentFactory(post=post, author=user, body="An earlier approved comment.")
    return user


@pytest.fixture
def newcomer(course):
    """A member whose first comment is held for moderation."""
    return MembershipFactory(course=course, display_name="Newcomer Nell").user
