"""Students' Choice rules: who votes for what, until when, and what the close gives."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from awards.models import Award, AwardType
from coursework import choice
from coursework.choice import VoteRefused
from coursework.models import ChoiceClose, Vote
from tests.factories import (
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    VoteFactory,
)

UTC = datetime.UTC
MONDAY = datetime.date(2026, 11, 2)  # the week voted on in these tests
WEDNESDAY = datetime.datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _midweek():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def course(db):
    return CourseFactory(time_zone="UTC")


@pytest.fixture
def instructor(course):
    return InstructorFactory(course=course).user


@pytest.fixture
def voter(course):
    return MembershipFactory(course=course, display_name="Voter")


def post_in_week(course, **kwargs):
    kwargs.setdefault("published_at", datetime.datetime(2026, 11, 3, 10, 0, tzinfo=UTC))
    return PostFactory(course=course, **kwargs)


def votes_for(post, n):
    for _ in range(n):
        VoteFactory(post=post, week=MONDAY)


def test_a_student_votes_for_a_classmates_post_of_the_week(course, voter):
    post = post_in_week(course)
    choice.cast_vote(voter_membership=voter, post=post, week=MONDAY)
    assert list(Vote.objects.values_list("voter", "post", "week")) == [(voter.pk, post.pk, MONDAY)]


def test_nobody_votes_for_their_own_post(course, voter):
    own = post_in_week(course, author=voter.user)
    with pytest.raises(VoteRefused, match="your own post"):
        choice.cast_vote(voter_membership=voter, post=own, week=MONDAY)
    assert not Vote.objects.exists()


def test_one_vote_per_week_which_the_student_can_change_and_withdraw(course, voter):
    first, second = post_in_week(course), post_in_week(course)
    choice.cast_vote(voter_membership=voter, post=first, week=MONDAY)
    choice.cast_vote(voter_membership=voter, post=second, week=MONDAY)
    assert list(Vote.objects.values_list("post", flat=True)) == [second.pk]
    assert choice.withdraw_vote(voter_membership=voter, week=MONDAY) is True
    assert not Vote.objects.exists()
    assert choice.withdraw_vote(voter_membership=voter, week=MONDAY) is False


def test_instructors_do_not_vote(course):
    teacher = InstructorFactory(course=course)
    with pytest.raises(VoteRefused, match="instructors do not"):
        choice.cast_vote(voter_membership=teacher, post=post_in_week(course), week=MONDAY)


@pytest.mark.parametrize(
    "make_post",
    [
        # published the week before
        lambda course: post_in_week(course, published_at=datetime.datetime(2026, 11, 1, 23, 0, tzinfo=UTC)),
        lambda course: post_in_week(CourseFactory()),
        lambda course: DraftFactory(course=course),
        # scheduled for Friday: not live yet
        lambda course: post_in_week(course, published_at=datetime.datetime(2026, 11, 6, 9, 0, tzinfo=UTC)),
    ],
    ids=["other-week", "other-course", "draft", "scheduled"],
)
def test_only_live_posts_of_the_course_and_week_can_be_voted_for(course, voter, make_post):
    with pytest.raises(VoteRefused):
        choice.cast_vote(voter_membership=voter, post=make_post(course), week=MONDAY)
    assert not Vote.objects.exists()


def test_no_vote_or_change_once_the_week_is_closed(course, voter, instructor):
    post, other = post_in_week(course), post_in_week(course)
    choice.cast_vote(voter_membership=voter, post=post, week=MONDAY)
    choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    with pytest.raises(VoteRefused, match="closed"):
        choice.cast_vote(voter_membership=voter, post=other, week=MONDAY)
    with pytest.raises(VoteRefused, match="closed"):
        choice.withdraw_vote(voter_membership=voter, week=MONDAY)
    assert list(Vote.objects.values_list("post", flat=True)) == [post.pk]


def test_no_vote_once_the_week_has_ended_even_before_it_is_closed(course, voter):
    post = post_in_week(course)
    ended = datetime.datetime(2026, 11, 9, 0, 0, tzinfo=UTC)
    with time_machine.travel(ended, tick=False), pytest.raises(VoteRefused, match="ended"):
        choice.cast_vote(voter_membership=voter, post=post, week=MONDAY)
    assert not Vote.objects.exists()


def test_the_close_gives_the_most_voted_post_the_students_choice(
    course, instructor, mailoutbox, django_capture_on_commit_callbacks
):
    winner, runner_up = post_in_week(course, title="The Thaw"), post_in_week(course)
    votes_for(winner, 3)
    votes_for(runner_up, 2)
    with django_capture_on_commit_callbacks(execute=True):
        result = choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    assert result.created and result.winners == [winner]
    award = Award.objects.get()
    assert (award.post, award.given_by, award.award_type.slug) == (winner, instructor, "students-choice")
    assert award.award_type.given_by == AwardType.GivenBy.VOTE
    assert award.award_type.banner_text == "The class voted this post its Students' Choice for the week."
    close = ChoiceClose.objects.get()
    assert (close.week, close.votes_cast, close.closed_by) == (MONDAY, 5, instructor)
    # The author hears of it, through the awards app's email.
    assert [m.to for m in mailoutbox] == [[winner.author.email]]
    assert "Students' Choice" in mailoutbox[0].subject


def test_a_close_recorded_as_history_emails_nobody(
    course, instructor, mailoutbox, django_capture_on_commit_callbacks
):
    votes_for(post_in_week(course), 1)
    with django_capture_on_commit_callbacks(execute=True):
        result = choice.close_week(course=course, week=MONDAY, closed_by=instructor, notify=False)
    assert len(result.awards) == 1 and mailoutbox == []


def test_ties_give_each_tied_post_the_award(course, instructor):
    first, second, third = post_in_week(course), post_in_week(course), post_in_week(course)
    votes_for(first, 2)
    votes_for(second, 2)
    votes_for(third, 1)
    result = choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    assert set(result.winners) == {first, second}
    assert set(Award.objects.values_list("post", flat=True)) == {first.pk, second.pk}


def test_a_week_without_votes_closes_without_a_winner(course, instructor):
    post_in_week(course)
    result = choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    assert result.created and result.winners == []
    assert ChoiceClose.objects.get().votes_cast == 0
    assert not Award.objects.exists()


def test_closing_twice_awards_once(course, instructor, mailoutbox, django_capture_on_commit_callbacks):
    winner = post_in_week(course)
    votes_for(winner, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert choice.close_week(course=course, week=MONDAY, closed_by=instructor).created
    with django_capture_on_commit_callbacks(execute=True):
        again = choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    assert not again.created and again.awards == []
    assert Award.objects.count() == 1 and ChoiceClose.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_close_that_loses_the_race_gives_nothing(course, instructor, monkeypatch):
    """Another close commits between this one's check and its insert: the unique row refuses the second."""
    winner = post_in_week(course)
    votes_for(winner, 2)
    counted = choice.tally

    def tally_while_another_close_lands(*args, **kwargs):
        rows = counted(*args, **kwargs)
        ChoiceClose.objects.create(course=course, week=MONDAY, closed_at=WEDNESDAY, votes_cast=2)
        return rows

    monkeypatch.setattr(choice, "tally", tally_while_another_close_lands)
    result = choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    assert not result.created
    assert ChoiceClose.objects.count() == 1
    assert not Award.objects.exists()


def test_a_vote_for_a_post_unpublished_since_does_not_count(course, instructor):
    kept, withdrawn = post_in_week(course), post_in_week(course)
    votes_for(kept, 1)
    votes_for(withdrawn, 2)
    withdrawn.status = "draft"
    withdrawn.save()
    result = choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    assert result.winners == [kept]
    assert ChoiceClose.objects.get().votes_cast == 1


def test_the_week_ending_by_itself_is_recorded_by_the_first_instructor(course):
    first = InstructorFactory(course=course).user
    InstructorFactory(course=course)  # joined later
    winner = post_in_week(course)
    votes_for(winner, 1)
    choice.close_week(course=course, week=MONDAY)
    assert Award.objects.get().given_by == first
    assert ChoiceClose.objects.get().closed_by is None


def test_a_course_without_instructors_closes_without_an_award_and_says_so(course):
    winner = post_in_week(course)
    votes_for(winner, 1)
    with time_machine.travel(datetime.datetime(2026, 11, 9, 0, 5, tzinfo=UTC), tick=False):
        lines = choice.run_due(datetime.datetime(2026, 11, 9, 0, 5, tzinfo=UTC))
    assert ChoiceClose.objects.filter(course=course, week=MONDAY).exists()
    assert not Award.objects.exists()
    assert len(lines) == 1 and "no instructor" in lines[0]


def test_a_hand_made_students_choice_type_given_by_the_team_is_not_misused(course, instructor):
    AwardType.objects.create(course=course, name="Students' Choice", slug="students-choice", given_by="team")
    votes_for(post_in_week(course), 1)
    result = choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    assert result.created and not Award.objects.exists()
    assert "not given by vote" in result.problem


def test_tick_closes_the_week_at_its_end_in_the_courses_zone(db, settings):
    """Course in New York, site in UTC: the week ends at midnight between Sunday and Monday, New York time."""
    settings.TIME_ZONE = "UTC"
    course = CourseFactory(time_zone="America/New_York")
    InstructorFactory(course=course)
    voter = MembershipFactory(course=course)
    # Sunday 8 November, 22:00 in New York (EST, UTC-5) is Monday 03:00 UTC: the week of 2 November there.
    post = PostFactory(course=course, published_at=datetime.datetime(2026, 11, 9, 3, 0, tzinfo=UTC))

    def tick_at(moment):
        out = io.StringIO()
        with time_machine.travel(moment, tick=False):
            call_command("tick", stdout=out)
        return out.getvalue()

    sunday_2359 = datetime.datetime(2026, 11, 9, 4, 59, tzinfo=UTC)
    with time_machine.travel(sunday_2359, tick=False):
        choice.cast_vote(voter_membership=voter, post=post, week=MONDAY)
    assert "Students' Choice" not in tick_at(sunday_2359)
    assert not ChoiceClose.objects.exists() and not Award.objects.exists()

    monday_0001 = datetime.datetime(2026, 11, 9, 5, 1, tzinfo=UTC)
    output = tick_at(monday_0001)
    assert f"Students' Choice of {course.slug}, week of 2026-11-02: closed (1 vote)" in output
    assert Award.objects.get().post == post
    assert ChoiceClose.objects.get().closed_at == monday_0001
    with time_machine.travel(monday_0001, tick=False), pytest.raises(VoteRefused):
        choice.withdraw_vote(voter_membership=voter, week=MONDAY)
    # A second tick finds nothing more to do.
    assert "Students' Choice" not in tick_at(monday_0001 + datetime.timedelta(minutes=5))


def test_tick_leaves_weeks_older_than_its_look_back_alone(course, instructor):
    old_monday = MONDAY - 9 * datetime.timedelta(weeks=1)
    old = post_in_week(
        course, published_at=datetime.datetime.combine(old_monday, datetime.time(9), tzinfo=UTC)
    )
    VoteFactory(post=old, week=old_monday)
    assert choice.run_due(WEDNESDAY) == []
    assert not ChoiceClose.objects.exists()


def test_the_winners_post_page_shows_the_students_choice_banner(client, course, instructor):
    winner = post_in_week(course)
    votes_for(winner, 1)
    page = client.get(winner.get_absolute_url())
    assert "The class voted this post its Students" not in page.content.decode()
    choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    page = client.get(winner.get_absolute_url())
    assert page.status_code == 200
    assert "The class voted this post its Students&#x27; Choice for the week." in page.content.decode()
    hall = client.get(reverse("awards:hall-of-fame", kwargs={"course_slug": course.slug}))
    assert winner.title in hall.content.decode()


def test_an_archived_course_s_open_vote_is_left_as_it_was(course):
    votes_for(post_in_week(course), 1)
    course.archived_at = datetime.datetime(2026, 11, 8, 12, 0, tzinfo=UTC)
    course.save()
    with time_machine.travel(datetime.datetime(2026, 11, 9, 0, 5, tzinfo=UTC), tick=False):
        assert choice.run_due(datetime.datetime(2026, 11, 9, 0, 5, tzinfo=UTC)) == []
    assert not ChoiceClose.objects.exists() and not Award.objects.exists()
