"""The issue's check: a newcomer subscribes to the demo's Soviet History feed in a feed reader."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client

from posts.demo import SEED_TITLE

from .conftest import SITE, content_of, read_feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_a_newcomer_finds_the_soviet_history_feed_from_its_front_page(demo):
    newcomer = Client()
    page = BeautifulSoup(newcomer.get("/c/soviet-history/").content, "html.parser")
    link = page.head.find("link", rel="alternate", type="application/atom+xml")
    assert link["title"] == "Soviet History: posts (Atom)"
    parsed = read_feed(newcomer.get(link["href"]))
    seed = next(entry for entry in parsed.entries if entry.title == SEED_TITLE)
    assert seed.author == "K. Peters"
    images = BeautifulSoup(content_of(seed), "html.parser").find_all("img")
    assert images and all(image["src"].startswith(f"{SITE}/media/") for image in images)


def test_the_members_only_demo_course_has_no_public_feed(demo):
    newcomer = Client()
    page = newcomer.get("/c/modern-china/")
    assert page.status_code == 404
    assert newcomer.get("/c/modern-china/feed/atom/").status_code == 404
