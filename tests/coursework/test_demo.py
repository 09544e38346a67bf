"""The week in the demo, as a newcomer running `make run` meets it, whatever the day of the week.

The demo dates its posts from today backwards; the week's parts are laid on the
course's weeks (America/New_York), so each check runs on a Monday just after
midnight, a Tuesday afternoon and a Sunday night.
"""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from awards.models import Award
from courses.models import Course
from coursework import weeks
from coursework.choice import STUDENTS_CHOICE_BANNER
from coursework.models import ChoiceClose, Digest, PromptResponse
from posts.demo import SEED_SLUG
from posts.models import Post

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MOMENTS = {
    "monday-just-after-midnight": datetime.datetime(2026, 11, 30, 0, 20, tzinfo=NEW_YORK),
    "tuesday-afternoon": datetime.datetime(2026, 12, 1, 14, 0, tzinfo=NEW_YORK),
    "sunday-night": datetime.datetime(2026, 12, 6, 23, 30, tzinfo=NEW_YORK),
}
THAW_PROMPT = "De-Stalinization and the Thaw"


def text(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture(params=sorted(MOMENTS))
def demo(request, settings, mailoutbox):
    settings.DEBUG = True
    with time_machine.travel(MOMENTS[request.param], tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())  # safe to run again
        mailoutbox.clear()
        yield Course.objects.get(slug="soviet-history")


def test_the_front_page_shows_this_weeks_prompt(client, demo):
    page = text(client.get(demo.get_absolute_url()))
    assert "This week" in page
    assert THAW_PROMPT in page
    assert "(America/New_York)" in page


def test_the_seed_post_answers_the_thaw_on_time(client, demo):
    seed = Post.objects.get(course=demo, slug=SEED_SLUG)
    assert PromptResponse.objects.get(post=seed).prompt.title == THAW_PROMPT
    assert f"In response to {THAW_PROMPT}" in text(client.get(seed.get_absolute_url()))
    client.force_login(user("kpeters"))
    assert f"In response to {THAW_PROMPT} On time" in text(client.get(seed.get_absolute_url()))


def test_a_late_response_is_marked_to_its_author_only(client, demo):
    late = Post.objects.get(course=demo, title__startswith="Virgin Lands:")
    client.force_login(late.author)
    assert "Late: published" in text(client.get(late.get_absolute_url()))
    client.force_login(user("kpeters"))
    assert "Late" not in text(client.get(late.get_absolute_url()))


def test_last_weeks_digest_has_the_red_star_comrades_corner_and_the_choice(client, demo):
    last_week = weeks.week_of(demo) - weeks.ONE_WEEK
    digest = Digest.objects.get(course=demo, week=last_week, status=Digest.Status.PUBLISHED)
    page = BeautifulSoup(client.get(digest.get_absolute_url()).content, "html.parser")
    awards = page.select_one(".digest-awards").get_text(" ")
    assert "Red star" in awards
    assert page.select(".digest-corner li"), "Comrades' Corner lists the week's discussed posts"
    assert page.select(".digest-choice li"), "the week's Students' Choice"
    assert ChoiceClose.objects.get(course=demo, week=last_week).votes_cast > 0


def test_a_student_votes_and_the_instructor_closes_the_week_into_a_banner(client, demo):
    week = weeks.week_of(demo)
    start, end = weeks.bounds(demo, week)
    candidates = Post.objects.published().filter(course=demo, published_at__gte=start, published_at__lt=end)
    choice = candidates.exclude(author__username="kpeters").order_by("published_at").first()
    vote_url = reverse("coursework:vote", kwargs={"course_slug": demo.slug, "week": week.isoformat()})
    close_url = reverse(
        "coursework:choice-close", kwargs={"course_slug": demo.slug, "week": week.isoformat()}
    )
    # Enough votes that the choice wins whatever the two already cast.
    for username in ("kpeters", "rkw15", "caitlin", "dmorozov"):
        if user(username).pk != choice.author_id:
            client.force_login(user(username))
            assert client.post(vote_url, {"post": choice.pk}).status_code == 302
    client.force_login(user("nelson"))
    assert client.post(close_url).status_code == 302
    assert Award.objects.filter(post=choice, award_type__slug="students-choice").exists()
    client.logout()
    assert STUDENTS_CHOICE_BANNER in text(client.get(choice.get_absolute_url()))
