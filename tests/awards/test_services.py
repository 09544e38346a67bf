import datetime

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from awards.models import Award, AwardType
from awards.permissions import AwardRefused
from awards.services import award_grant, award_revoke
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    DraftFactory,
    EditorialTermFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db


def test_instructor_gives_any_type(post, instructor, red_star):
    instructors_only = AwardTypeFactory(course=post.course, given_by=AwardType.GivenBy.INSTRUCTORS)
    award_grant(post=post, award_type=red_star, by=instructor, note="Fine work.")
    award_grant(post=post, award_type=instructors_only, by=instructor)
    assert post.awards.active().count() == 2


def test_editor_in_term_gives_a_team_type(post, editor, red_star):
    award = award_grant(post=post, award_type=red_star, by=editor, note="Good sources.", note_public=True)
    assert award.given_by == editor
    assert Award.objects.active().get(post=post).note == "Good sources."


def test_editor_cannot_give_an_instructors_only_type(post, editor):
    instructors_only = AwardTypeFactory(
        course=post.course, name="Gold", given_by=AwardType.GivenBy.INSTRUCTORS
    )
    with pytest.raises(AwardRefused, match="Only instructors can give the “Gold”"):
        award_grant(post=post, award_type=instructors_only, by=editor)


def test_student_off_the_team_is_refused(post, course, red_star):
    student = MembershipFactory(course=course).user
    with pytest.raises(AwardRefused, match="Only the editorial team"):
        award_grant(post=post, award_type=red_star, by=student)
    assert not Award.objects.exists()


def test_term_covers_its_first_and_last_day_and_no_more(course, post, red_star):
    term = EditorialTermFactory(
        member=MembershipFactory(course=course),
        starts=datetime.date(2026, 3, 2),
        ends=datetime.date(2026, 3, 8),
    )
    tz = timezone.get_current_timezone()
    editor = term.member.user
    with time_machine.travel(datetime.datetime(2026, 3, 1, 23, 59, tzinfo=tz), tick=False):
        post.published_at = timezone.now() - datetime.timedelta(hours=1)
        with pytest.raises(AwardRefused, match="days of their term"):
            award_grant(post=post, award_type=red_star, by=editor)
    with time_machine.travel(datetime.datetime(2026, 3, 8, 23, 0, tzinfo=tz), tick=False):
        award = award_grant(post=post, award_type=red_star, by=editor)
        award_revoke(award=award, by=editor)
    with (
        time_machine.travel(datetime.datetime(2026, 3, 9, 0, 1, tzinfo=tz), tick=False),
        pytest.raises(AwardRefused, match="days of their term"),
    ):
        award_grant(post=post, award_type=red_star, by=editor)


def test_nobody_awards_their_own_post(course, red_star, instructor):
    own = PostFactory(course=course, author=instructor)
    with pytest.raises(AwardRefused, match="own post"):
        award_grant(post=own, award_type=red_star, by=instructor)


def test_drafts_cannot_be_awarded(course, red_star, instructor):
    draft = DraftFactory(course=course)
    with pytest.raises(AwardRefused, match="Only published posts"):
        award_grant(post=draft, award_type=red_star, by=instructor)


def test_another_courses_type_is_refused(post, instructor):
    foreign = AwardTypeFactory()
    with pytest.raises(AwardRefused, match="another course"):
        award_grant(post=post, award_type=foreign, by=instructor)


def test_instructor_of_another_course_is_refused(post, red_star, other_instructor):
    with pytest.raises(AwardRefused):
        award_grant(post=post, award_type=red_star, by=other_instructor)


def test_one_standing_award_of_a_type_per_post(post, red_star, instructor, editor):
    award_grant(post=post, award_type=red_star, by=instructor)
    with pytest.raises(AwardRefused, match="already has the “Red star”"):
        award_grant(post=post, award_type=red_star, by=editor)
    assert Award.objects.filter(post=post).count() == 1


def test_the_database_refuses_a_second_standing_award(post, red_star, instructor):
    Award.objects.create(post=post, award_type=red_star, given_by=instructor)
    with pytest.raises(IntegrityError):
        Award.objects.create(post=post, award_type=red_star, given_by=instructor)


def test_a_revoked_award_keeps_its_row_and_the_type_can_be_given_again(post, red_star, instructor):
    first = award_grant(post=post, award_type=red_star, by=instructor)
    award_revoke(award=first, by=instructor)
    first.refresh_from_db()
    assert first.revoked_by == instructor and first.revoked_at is not None
    second = award_grant(post=post, award_type=red_star, by=instructor)
    assert list(Award.objects.active()) == [second]
    assert Award.objects.filter(post=post).count() == 2


def test_the_database_refuses_a_revoked_award_without_who(post, red_star, instructor):
    award = AwardFactory(post=post, award_type=red_star)
    award.revoked_at = timezone.now()
    with pytest.raises(IntegrityError):
        award.save()


def test_the_database_refuses_a_colour_that_is_not_hex(course):
    with pytest.raises(IntegrityError):
        AwardTypeFactory(course=course, colour="red;}")


def test_giver_may_revoke_within_seven_days_then_only_instructors(post, red_star, editor, instructor):
    award = award_grant(post=post, award_type=red_star, by=editor)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        with pytest.raises(AwardRefused, match="within 7 days"):
            award_revoke(award=award, by=editor)
        award_revoke(award=award, by=instructor)
    assert Award.objects.get().revoked_by == instructor


def test_a_team_member_may_not_revoke_someone_elses_award(post, red_star, editor, instructor):
    award = award_grant(post=post, award_type=red_star, by=instructor)
    with pytest.raises(AwardRefused, match="instructors and the award's giver"):
        award_revoke(award=award, by=editor)
    assert Award.objects.get().revoked_at is None


def test_another_courses_instructor_may_not_revoke(post, red_star, instructor, other_instructor):
    award = award_grant(post=post, award_type=red_star, by=instructor)
    with pytest.raises(AwardRefused):
        award_revoke(award=award, by=other_instructor)


def test_co_instructor_gives_on_a_students_post(course, post, red_star):
    co_teacher = InstructorFactory(course=course).user
    assert award_grant(post=post, award_type=red_star, by=co_teacher).award_type == red_star
