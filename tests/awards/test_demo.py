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
SEED_TITLE = "Soviet Prisoners Released . . . Not All Necessarily Free"
THAW_TITLE = "The Thaw in Print: Novy Mir and Its Readers"


@pytest.fixture
def demo(settings, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent


def test_the_seed_post_carries_the_seeds_banner(client, demo):
    post = Post.objects.get(slug=SEED_SLUG)
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    assert [p.get_text() for p in page.select(".award-banner-text")] == [SEED_BANNER]
    assert Award.objects.get(post=post, award_type__slug="red-star").given_by.username == "nelson"


def test_the_demo_team_and_its_red_star_are_not_duplicated(demo, mailoutbox):
    course = Course.objects.get(slug="soviet-history")
    # The red star, and the Students' Choice that the week's demo closes a vote into (coursework).
    assert sorted(AwardType.objects.filter(course=course).values_list("slug", flat=True)) == [
        "red-star",
        "students-choice",
    ]
    starred = set(Award.objects.filter(award_type__slug="red-star").values_list("post__title", flat=True))
    # The seed post and the Thaw, and the star of last week's digest (one of them, or a post of that week).
    assert {SEED_TITLE, THAW_TITLE} <= starred and len(starred) <= 3
    team_now = {u for u in ("nelson", "caitlin", "dmorozov", "jslattery") if on_team(_user(u), course)}
    assert team_now == {"nelson", "caitlin", "dmorozov"}  # jslattery's term is over
    assert EditorialTerm.objects.filter(course=course).count() == 3
    assert mailoutbox == []  # recorded history: nobody is emailed


def test_the_hall_of_fame_lists_the_demos_stars(client, demo):
    response = client.get(reverse("awards:hall-of-fame", kwargs={"course_slug": "soviet-history"}))
    titles = [a.get_text() for a in BeautifulSoup(response.content, "html.parser").select(".post-title > a")]
    # The awards demo's two stars, beside the week demo's (last week's star and its Students' Choice).
    assert {SEED_TITLE, THAW_TITLE} <= set(titles)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
