"""Due times in the course's zone, lateness, and the instructors' accommodations (coursework.prompts)."""

import datetime
import zoneinfo

import pytest
import time_machine

from coursework import prompts, weeks
from coursework.models import Accommodation
from coursework.prompts import Standing
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, PromptFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def ny(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def frozen():
    with time_machine.travel(ny(10, 12), tick=False):
        yield


@pytest.fixture
def ny_prompt(db, settings, frozen):
    settings.TIME_ZONE = "UTC"  # the site's zone differs from the course's
    course = CourseFactory(time_zone="America/New_York")
    return PromptFactory(course=course, title="The Thaw", opens_at=ny(9, 9), due_at=ny(12, 23, 59))


def test_due_time_is_shown_in_the_course_zone_with_its_name(ny_prompt):
    assert weeks.label(ny_prompt.course, ny_prompt.due_at) == "Thu 12 Nov, 23:59 (America/New_York)"
    # Stored in UTC: the next day there.
    assert ny_prompt.due_at.astimezone(datetime.UTC).day == 13


def test_another_year_is_shown_with_the_year(ny_prompt):
    moment = datetime.datetime(2025, 11, 7, 17, 0, tzinfo=NEW_YORK)
    assert weeks.label(ny_prompt.course, moment) == "Fri 7 Nov 2025, 17:00 (America/New_York)"


def test_a_minute_before_midnight_local_is_on_time_and_a_minute_after_is_late(ny_prompt):
    on_time, late = ny(12, 23, 58), ny(13, 0, 1)
    assert prompts.standing(ny_prompt, on_time) == Standing.ON_TIME
    assert prompts.standing(ny_prompt, late) == Standing.LATE
    assert prompts.lateness(ny_prompt.due_at, on_time) == "On time"
    assert prompts.lateness(ny_prompt.due_at, late) == "Late: published 2 minutes after the due time"


def test_an_extension_makes_the_late_response_on_time(ny_prompt):
    member = MembershipFactory(course=ny_prompt.course)
    teacher = InstructorFactory(course=ny_prompt.course).user
    accommodation = prompts.accommodation_grant(
        prompt=ny_prompt, member=member, by=teacher, due_at=ny(14, 17), reason="Ill"
    )
    assert prompts.due_for(ny_prompt, accommodation) == ny(14, 17)
    assert prompts.standing(ny_prompt, ny(13, 0, 1), accommodation) == Standing.ON_TIME
    assert prompts.standing(ny_prompt, ny(14, 17, 1), accommodation) == Standing.LATE
    assert accommodation.granted_by == teacher


def test_an_excused_student_is_excused_whatever_they_did(ny_prompt):
    member = MembershipFactory(course=ny_prompt.course)
    accommodation = prompts.accommodation_grant(prompt=ny_prompt, member=member, by=None, excused=True)
    assert prompts.standing(ny_prompt, None, accommodation, now=ny(20, 0)) == Standing.EXCUSED
    assert prompts.standing(ny_prompt, ny(20, 0), accommodation) == Standing.EXCUSED
    assert prompts.lateness(ny_prompt.due_at, ny(20, 0), excused=True) == "Excused"


def test_missing_only_once_the_due_time_has_passed(ny_prompt):
    assert prompts.standing(ny_prompt, None, now=ny(12, 23, 59)) == Standing.NOT_YET
    assert prompts.standing(ny_prompt, None, now=ny(13, 0, 0)) == Standing.MISSING


def test_granting_again_replaces_the_accommodation(ny_prompt):
    member = MembershipFactory(course=ny_prompt.course)
    prompts.accommodation_grant(prompt=ny_prompt, member=member, by=None, due_at=ny(14, 17))
    prompts.accommodation_grant(prompt=ny_prompt, member=member, by=None, excused=True)
    accommodation = Accommodation.objects.get(prompt=ny_prompt, member=member)
    assert accommodation.excused and accommodation.due_at is None
    assert prompts.accommodation_remove(prompt=ny_prompt, member=member) is True
    assert not Accommodation.objects.exists()
    assert prompts.accommodation_remove(prompt=ny_prompt, member=member) is False


@pytest.mark.parametrize(
    "who, due_at, message",
    [
        ("other course", ny(14, 17), "Choose a student of this prompt's course."),
        ("instructor", ny(14, 17), "Choose a student of this prompt's course."),
        ("student", None, "Give the student's new due time, or excuse them."),
        ("student", ny(12, 20), "An extension must end after the prompt's own due time."),
    ],
)
def test_refused_accommodations_say_why(ny_prompt, who, due_at, message):
    member = {
        "other course": lambda: MembershipFactory(),
        "instructor": lambda: InstructorFactory(course=ny_prompt.course),
        "student": lambda: MembershipFactory(course=ny_prompt.course),
    }[who]()
    with pytest.raises(prompts.AccommodationRefused, match=message):
        prompts.accommodation_grant(prompt=ny_prompt, member=member, by=None, due_at=due_at)
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize(
    "minutes, said",
    [
        (0.5, "less than a minute"),
        (1, "1 minute"),
        (59, "59 minutes"),
        (60, "1 hour"),
        (125, "2 hours"),
        (47 * 60, "47 hours"),
        (49 * 60, "2 days"),
    ],
)
def test_how_late_reads_as_people_say_it(minutes, said):
    assert prompts.how_long(datetime.timedelta(minutes=minutes)) == said


def test_the_comment_requirement_in_words(ny_prompt):
    assert prompts.comment_requirement(ny_prompt) == ""
    ny_prompt.comments_required, ny_prompt.comments_due_at = 2, ny(14, 23, 59)
    assert prompts.comment_requirement(ny_prompt) == (
        "Comment on 2 classmates' posts by Sat 14 Nov, 23:59 (America/New_York)"
    )
    ny_prompt.comments_required = 1
    assert prompts.comment_requirement(ny_prompt).startswith("Comment on 1 classmate's post by")
