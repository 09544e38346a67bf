"""The Students' Choice pages: the week's page, voting, the early close, hidden counts and query counts."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import Award
from coursework import choice
from coursework.models import ChoiceClose, Vote
from tests.factories import (
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
    VoteFactory,
)

UTC = datetime.UTC
MONDAY = datetime.date(2026, 11, 2)
WEDNESDAY = datetime.datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _midweek():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def course(db):
    return CourseFactory(time_zone="America/New_York")


@pytest.fixture
def instructor(course):
    return InstructorFactory(course=course).user


@pytest.fixture
def voter(course):
    return MembershipFactory(course=course)


def post_in_week(course, **kwargs):
    kwargs.setdefault("published_at", datetime.datetime(2026, 11, 3, 15, 0, tzinfo=UTC))
    return PostFactory(course=course, **kwargs)


def week_url(course, week=MONDAY):
    text = week if isinstance(week, str) else week.isoformat()
    return reverse("coursework:choice-week", kwargs={"course_slug": course.slug, "week": text})


def vote_url(course, week=MONDAY):
    return reverse("coursework:vote", kwargs={"course_slug": course.slug, "week": week.isoformat()})


def close_url(course, week=MONDAY):
    return reverse("coursework:choice-close", kwargs={"course_slug": course.slug, "week": week.isoformat()})


def test_choice_sends_to_this_weeks_page_in_the_courses_zone(client, course):
    # Monday 00:30 UTC is still Sunday evening in New York: the week of 26 October there.
    with time_machine.travel(datetime.datetime(2026, 11, 2, 0, 30, tzinfo=UTC), tick=False):
        response = client.get(reverse("coursework:choice", kwargs={"course_slug": course.slug}))
    assert response.status_code == 302
    assert response["Location"] == week_url(course, datetime.date(2026, 10, 26))


@pytest.mark.parametrize("week", ["2026-11-03", "next-week", "2026-13-02", "9999-12-27", "2026-11-09"])
def test_a_week_that_is_not_a_monday_or_has_not_come_is_a_404(client, course, week):
    assert client.get(week_url(course, week)).status_code == 404


def test_a_members_only_course_is_a_404_to_outsiders(client, db):
    course = CourseFactory(visibility="members")
    client.force_login(UserFactory())
    assert client.get(week_url(course)).status_code == 404
    assert client.post(vote_url(course), {"post": post_in_week(course).pk}).status_code == 404
    assert not Vote.objects.exists()


def test_the_week_page_lists_the_weeks_posts_with_a_vote_button_each(client, course, voter):
    post = post_in_week(course, title="Khrushchev's secret speech")
    PostFactory(
        course=course, title="Last week's post", published_at=datetime.datetime(2026, 11, 1, tzinfo=UTC)
    )
    own = post_in_week(course, author=voter.user, title="My own essay")
    client.force_login(voter.user)
    page = client.get(week_url(course))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Khrushchev&#x27;s secret speech" in html and "Last week" not in html
    assert f'name="post" value="{post.pk}"' in html
    assert f'name="post" value="{own.pk}"' not in html  # no button for one's own post
    assert "Your post" in html
    # The close is shown in the course's zone, with its name.
    assert "Mon 9 Nov, 00:00 (America/New_York)" in html


def test_a_student_votes_and_sees_their_vote_marked(client, course, voter):
    post = post_in_week(course)
    client.force_login(voter.user)
    response = client.post(vote_url(course), {"post": post.pk}, follow=True)
    assert response.redirect_chain[-1][0] == week_url(course)
    assert Vote.objects.get().post == post
    html = response.content.decode()
    assert "Your vote for" in html and "Your vote</strong>" in html
    assert "Withdraw my vote" in html

    response = client.post(vote_url(course), {"withdraw": "1"}, follow=True)
    assert not Vote.objects.exists()
    assert "Your vote is withdrawn" in response.content.decode()


def test_a_vote_for_ones_own_post_is_refused_with_the_reason(client, course, voter):
    own = post_in_week(course, author=voter.user)
    client.force_login(voter.user)
    response = client.post(vote_url(course), {"post": own.pk})
    assert response.status_code == 403
    assert "You cannot vote for your own post." in response.content.decode()


def test_instructors_are_told_they_do_not_vote(client, course, instructor):
    post = post_in_week(course)
    client.force_login(instructor)
    page = client.get(week_url(course)).content.decode()
    assert "Instructors do not vote" in page and "Vote for this" not in page
    response = client.post(vote_url(course), {"post": post.pk})
    assert response.status_code == 403
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "make_post, status",
    [
        (lambda course: post_in_week(CourseFactory()), 404),  # not a post of this course
        (lambda course: DraftFactory(course=course), 404),  # a classmate's draft: not there
        (
            lambda course: PostFactory(
                course=course, published_at=datetime.datetime(2026, 10, 30, tzinfo=UTC)
            ),
            403,
        ),
    ],
    ids=["other-course", "draft", "other-week"],
)
def test_a_vote_for_a_post_outside_the_week_is_refused(client, course, voter, make_post, status):
    client.force_login(voter.user)
    assert client.post(vote_url(course), {"post": make_post(course).pk}).status_code == status
    assert not Vote.objects.exists()


@pytest.mark.parametrize("data", [{}, {"post": ""}, {"post": "abc"}, {"post": "-3"}, {"post": "9" * 30}])
def test_a_vote_without_a_post_says_so_and_changes_nothing(client, course, voter, data):
    client.force_login(voter.user)
    response = client.post(vote_url(course), data, follow=True)
    assert response.status_code == 200
    assert "Choose a post to vote for" in response.content.decode()
    assert not Vote.objects.exists()


def test_vote_and_close_take_only_post(client, course, voter, instructor):
    client.force_login(voter.user)
    assert client.get(vote_url(course)).status_code == 405
    client.force_login(instructor)
    assert client.get(close_url(course)).status_code == 405
    assert not ChoiceClose.objects.exists()


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_counts_stay_hidden_before_the_close_for_everyone(client, course, instructor, voter):
    """The page is the same, byte for byte, with no votes and with many: no number can leak."""
    popular, other = post_in_week(course), post_in_week(course)
    readers = {"anonymous": None, "student": voter.user, "instructor": instructor}

    def pages():
        out = {}
        for name, user in readers.items():
            client.logout()
            if user:
                client.force_login(user)
            out[name] = _without_tokens(client.get(week_url(course)).content.decode())
        return out

    before = pages()
    for _ in range(7):
        VoteFactory(post=popular, week=MONDAY)
    VoteFactory(post=other, week=MONDAY)
    after = pages()
    assert after == before
    assert "Votes:" not in after["instructor"]

    choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    client.force_login(voter.user)
    html = client.get(week_url(course)).content.decode()
    assert "Votes: 8 in all" in html
    winner_rows = re.findall(r'<tr class="is-winner">(.*?)</tr>', html, re.S)
    assert len(winner_rows) == 1
    assert popular.title in winner_rows[0] and "<td>7</td>" in winner_rows[0]


def test_an_instructor_closes_early_and_the_page_shows_the_result(client, course, instructor):
    winner = post_in_week(course, title="The winning essay")
    VoteFactory(post=winner, week=MONDAY)
    client.force_login(instructor)
    response = client.post(close_url(course), follow=True)
    html = response.content.decode()
    assert "The vote is closed. The Students&#x27; Choice: “The winning essay”." in html
    assert "early, by an instructor" in html
    assert Award.objects.get().post == winner
    # Closing again changes nothing and says so.
    response = client.post(close_url(course), follow=True)
    assert "closed already" in response.content.decode()
    assert Award.objects.count() == 1


@pytest.mark.parametrize("who", ["student", "outsider"])
def test_only_instructors_close_early(client, course, voter, who):
    VoteFactory(post=post_in_week(course), week=MONDAY)
    client.force_login(voter.user if who == "student" else UserFactory())
    response = client.post(close_url(course))
    assert response.status_code == 403  # a public course: outsiders read it, but may not close it
    assert "Only the course" in response.content.decode()
    assert not ChoiceClose.objects.exists()


def test_an_instructor_of_another_course_cannot_close_a_members_only_course(client, db):
    course = CourseFactory(visibility="members")
    client.force_login(InstructorFactory(course=CourseFactory()).user)
    assert client.post(close_url(course)).status_code == 404


def test_an_ended_week_with_votes_waits_for_the_count(client, course, voter):
    VoteFactory(post=post_in_week(course), week=MONDAY, voter=voter)
    client.force_login(voter.user)
    with time_machine.travel(datetime.datetime(2026, 11, 10, tzinfo=UTC), tick=False):
        html = client.get(week_url(course)).content.decode()
    assert "the votes are being counted" in html and "Vote for this" not in html


def test_an_ended_week_without_votes_says_there_is_no_winner(client, course):
    post_in_week(course)
    with time_machine.travel(datetime.datetime(2026, 11, 10, tzinfo=UTC), tick=False):
        html = client.get(week_url(course)).content.decode()
    assert "nobody voted" in html


def _count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _measure(client, url, readers):
    counts = []
    for user in readers:
        client.logout()
        if user:
            client.force_login(user)
        counts.append(_count_queries(client, url))
    return counts


def _assert_same(few, many):
    for one, fifty in zip(few, many, strict=True):
        assert len(one) == len(fifty), "\n\n".join(["1:", *one, "50:", *fifty])


def test_the_open_week_page_runs_the_same_queries_for_1_and_50_posts_and_votes(
    client, course, instructor, voter
):
    readers = [None, voter.user, instructor]
    VoteFactory(post=post_in_week(course), week=MONDAY, voter=voter)  # the reader's own vote
    few = _measure(client, week_url(course), readers)
    for _ in range(49):
        VoteFactory(post=post_in_week(course), week=MONDAY)
    many = _measure(client, week_url(course), readers)
    _assert_same(few, many)


def test_the_closed_week_page_runs_the_same_queries_for_1_and_50_posts_and_votes(
    client, course, instructor, voter
):
    readers = [None, voter.user, instructor]
    last_monday = MONDAY - datetime.timedelta(weeks=1)
    VoteFactory(
        post=post_in_week(course, published_at=datetime.datetime(2026, 10, 28, 15, tzinfo=UTC)),
        week=last_monday,
        voter=voter,
    )
    VoteFactory(post=post_in_week(course), week=MONDAY, voter=voter)
    for _ in range(49):
        VoteFactory(post=post_in_week(course), week=MONDAY)
    choice.close_week(course=course, week=last_monday, closed_by=instructor)
    choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    few = _measure(client, week_url(course, last_monday), readers)
    many = _measure(client, week_url(course), readers)
    _assert_same(few, many)
