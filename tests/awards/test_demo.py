"""The demo's red star: the seed post carries the seed's banner word for word; safe to run twice."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from awards.models import Award, AwardType, EditorialTerm
from awards.permissions import on_team
from courses.models import Course
from posts.demo import SEED_SLUG
from posts.models import Post

pytestmark = pytest.mark.django_db

SEED_BANNER = "This post was awarded a “red star” from the editorial team."


@pytest.fixture
def demo(settings, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent


def test_the_seed_post_carries_the_seeds_banner(client, demo):
    post = Post.objects.get(slug=SEED_SLUG)
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    assert [p.get_text() for p in page.select(".award-banner-text")] == [SEED_BANNER]
    assert Award.objects.get(post=post).given_by.username == "nelson"


def test_the_demo_team_and_its_red_star_are_not_duplicated(demo, mailoutbox):
    course = Course.objects.get(slug="soviet-history")
    assert AwardType.objects.filter(course=course).count() == 1
    assert Award.objects.filter(award_type__course=course).count() == 2
    team_now = {u for u in ("nelson", "caitlin", "dmorozov", "jslattery") if on_team(_user(u), course)}
    assert team_now == {"nelson", "caitlin", "dmorozov"}  # jslattery's term is over
    assert EditorialTerm.objects.filter(course=course).count() == 3
    assert mailoutbox == []  # recorded history: nobody is emailed


def test_the_hall_of_fame_lists_the_demos_stars(client, demo):
    response = client.get(reverse("awards:hall-of-fame", kwargs={"course_slug": "soviet-history"}))
    titles = [a.get_text() for a in BeautifulSoup(response.content, "html.parser").select(".post-title > a")]
    assert titles == [
        "Soviet Prisoners Released . . . Not All Necessarily Free",
        "The Thaw in Print: Novy Mir and Its Readers",
    ]


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
