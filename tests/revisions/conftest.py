import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from revisions import services

WINDOW_A = "a" * 32
WINDOW_B = "b" * 32


def marker(version, window=WINDOW_A):
    return f"{version}.{window}"


def autosave_url(post=None, course=None):
    if post is None:
        return reverse("revisions:autosave-new", kwargs={"course_slug": course.slug})
    return reverse("revisions:autosave", kwargs={"course_slug": post.course.slug, "slug": post.slug})


def marker_on_page(response) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    return page.find("input", attrs={"name": "revision_marker"})["value"]


def edit_form(post, **overrides):
    """What the editor's form sends for `post`, with its current text unless overridden."""
    data = {
        "title": post.title,
        "body": post.body,
        "category": "",
        "tags_text": "",
        "action": "publish" if post.is_published else "draft",
    }
    data.update(overrides)
    return data


@pytest.fixture
def author_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def current_version():
    return services.current_version
