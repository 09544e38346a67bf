"""Prompts in the admin: scoped to the instructor's courses, with every date in the course's time zone."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from coursework.models import Accommodation, ChoiceClose, Prompt, Vote
from tests.admin.conftest import soup
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, PostFactory, PromptFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def ny(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def _site_in_utc(settings):
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def frozen():
    with time_machine.travel(ny(5, 12), tick=False):
        yield


@pytest.fixture
def course_ny(course_a, frozen):
    course_a.course.time_zone = "America/New_York"
    course_a.course.save()
    return course_a


def add_url():
    return reverse("admin:coursework_prompt_add")


def change_url(prompt):
    return reverse("admin:coursework_prompt_change", args=[prompt.pk])


NO_ACCOMMODATIONS = {
    "accommodations-TOTAL_FORMS": "0",
    "accommodations-INITIAL_FORMS": "0",
    "accommodations-MIN_NUM_FORMS": "0",
    "accommodations-MAX_NUM_FORMS": "1000",
}


def prompt_data(course, **changes):
    data = {
        "course": course.pk,
        "title": "De-Stalinization and the Thaw",
        "slug": "thaw",
        "body": "Read **Khrushchev's** speech.",
        "opens_at_0": "2026-11-09",
        "opens_at_1": "09:00",
        "due_at_0": "2026-11-12",
        "due_at_1": "23:59",
        "comments_required": "2",
        "comments_due_at_0": "2026-11-14",
        "comments_due_at_1": "23:59",
        **NO_ACCOMMODATIONS,
    }
    data.update(changes)
    return data


def errors(response):
    return " ".join(ul.get_text(" ", strip=True) for ul in soup(response).select("ul.errorlist"))


def test_typed_times_are_read_in_the_course_zone_not_the_sites(course_ny, client):
    client.force_login(course_ny.instructor)
    response = client.post(add_url(), prompt_data(course_ny.course))
    assert response.status_code == 302, errors(response)
    prompt = Prompt.objects.get(slug="thaw")
    assert prompt.due_at == datetime.datetime(2026, 11, 13, 4, 59, tzinfo=datetime.UTC)
    assert prompt.opens_at == ny(9, 9)
    assert prompt.comments_due_at == ny(14, 23, 59)
    assert prompt.created_by == course_ny.instructor
    assert "<strong>Khrushchev's</strong>" in prompt.body_html.replace("&#x27;", "'")


def test_the_change_form_shows_the_stored_times_in_the_course_zone_and_names_it(course_ny, client):
    prompt = PromptFactory(course=course_ny.course, opens_at=ny(9, 9), due_at=ny(12, 23, 59))
    client.force_login(course_ny.instructor)
    response = client.get(change_url(prompt))
    page = soup(response)
    assert page.find("input", attrs={"name": "due_at_0"})["value"] == "2026-11-12"
    assert page.find("input", attrs={"name": "due_at_1"})["value"] == "23:59:00"
    assert "In the course's time zone: America/New_York." in page.get_text()
    assert "markdownx-editor" in page.find("textarea", attrs={"name": "body"})["class"]
    # The admin's own "you are N hours ahead of server time" note reckons from the course's zone too.
    assert page.body["data-admin-utc-offset"] == "-18000"


def test_the_add_form_of_an_instructor_of_one_course_is_in_its_zone(course_ny, client):
    client.force_login(course_ny.instructor)
    page = soup(client.get(add_url()))
    assert page.find("select", attrs={"name": "course"}).find("option", selected=True)["value"] == str(
        course_ny.course.pk
    )
    assert "In the course's time zone: America/New_York." in page.get_text()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"due_at_0": "2026-11-08"}, "due_at", "The due time must be after the prompt opens."),
        (
            {"comments_due_at_0": "", "comments_due_at_1": ""},
            "comments_due_at",
            "Give the date the comments are due: this prompt asks for 2",
        ),
        (
            {"comments_due_at_0": "2026-11-01"},
            "comments_due_at",
            "The comments' due time must be after the prompt opens.",
        ),
        (
            {"opens_at_0": "2300-01-01", "due_at_0": "2300-01-02"},
            "opens_at",
            "Choose a date between 2000 and 2199.",
        ),
    ],
)
def test_validation_says_what_to_fix_and_keeps_what_was_typed(course_ny, client, changes, field, message):
    client.force_login(course_ny.instructor)
    response = client.post(add_url(), prompt_data(course_ny.course, **changes))
    assert response.status_code == 200
    assert message in errors(response)
    assert soup(response).find("input", attrs={"name": "title"})["value"] == "De-Stalinization and the Thaw"
    assert not Prompt.objects.exists()


def test_no_comment_requirement_needs_no_date(course_ny, client):
    client.force_login(course_ny.instructor)
    data = prompt_data(course_ny.course, comments_required="0", comments_due_at_0="", comments_due_at_1="")
    assert client.post(add_url(), data).status_code == 302
    assert Prompt.objects.get().comments_due_at is None


def test_an_instructor_cannot_write_a_prompt_for_a_course_they_do_not_teach(course_ny, course_b, client):
    client.force_login(course_ny.instructor)
    options = {
        o["value"]
        for o in soup(client.get(add_url())).find("select", attrs={"name": "course"}).find_all("option")
    }
    assert str(course_b.course.pk) not in options
    response = client.post(add_url(), prompt_data(course_b.course))
    assert response.status_code == 200
    assert "Select a valid choice" in errors(response)
    assert not Prompt.objects.exists()


def test_instructors_see_only_their_courses_prompts(course_ny, course_b, client):
    mine = PromptFactory(course=course_ny.course, title="Mine")
    theirs = PromptFactory(course=course_b.course, title="Theirs")
    client.force_login(course_ny.instructor)
    listing = client.get(reverse("admin:coursework_prompt_changelist")).content.decode()
    assert "Mine" in listing and "Theirs" not in listing
    assert client.get(change_url(theirs)).status_code == 404
    assert client.post(change_url(theirs), prompt_data(course_b.course)).status_code == 404
    assert client.get(change_url(mine)).status_code == 200


def test_the_list_shows_dates_in_the_course_zone(course_ny, client):
    PromptFactory(course=course_ny.course, title="Mine", opens_at=ny(9, 9), due_at=ny(12, 23, 59))
    client.force_login(course_ny.instructor)
    page = soup(client.get(reverse("admin:coursework_prompt_changelist"))).get_text()
    assert "Thu 12 Nov, 23:59 (America/New_York)" in page


def test_the_course_of_a_prompt_never_changes(course_ny, client):
    other = CourseFactory()
    InstructorFactory(course=other, user=course_ny.instructor)
    prompt = PromptFactory(course=course_ny.course, opens_at=ny(9, 9), due_at=ny(12, 23, 59))
    client.force_login(course_ny.instructor)
    data = prompt_data(other, slug=prompt.slug)
    assert client.post(change_url(prompt), data).status_code == 302
    assert Prompt.objects.get(pk=prompt.pk).course == course_ny.course


def test_moving_the_opening_to_the_future_tells_the_students_again_then(course_ny, client):
    prompt = PromptFactory(
        course=course_ny.course,
        slug="thaw",
        opens_at=ny(2, 9),
        due_at=ny(4, 9),
        opening_sent_at=ny(2, 9),
        closed_at=ny(4, 9),
    )
    client.force_login(course_ny.instructor)
    response = client.post(change_url(prompt), prompt_data(course_ny.course))
    assert response.status_code == 302, errors(response)
    prompt.refresh_from_db()
    assert prompt.opens_at == ny(9, 9)
    assert prompt.opening_sent_at is None and prompt.closed_at is None


# --- accommodations on the prompt's page ---


def test_accommodations_offer_only_the_prompts_students(course_ny, course_b, client):
    prompt = PromptFactory(course=course_ny.course)
    MembershipFactory(course=CourseFactory())  # a student of a course nobody here teaches
    client.force_login(course_ny.instructor)
    select = soup(client.get(change_url(prompt))).find("select", attrs={"name": "accommodations-0-member"})
    offered = {o["value"] for o in select.find_all("option") if o["value"]}
    student = course_ny.objects["courses.membership"]
    assert offered == {str(student.pk)}  # not the instructor, not course B's student, not another course's


def test_an_accommodation_in_the_admin_is_in_the_course_zone_and_signed(course_ny, client):
    prompt = PromptFactory(course=course_ny.course, slug="thaw", opens_at=ny(9, 9), due_at=ny(12, 23, 59))
    student = course_ny.objects["courses.membership"]
    client.force_login(course_ny.instructor)
    data = prompt_data(
        course_ny.course,
        **{
            "accommodations-TOTAL_FORMS": "1",
            "accommodations-0-member": student.pk,
            "accommodations-0-due_at_0": "2026-11-14",
            "accommodations-0-due_at_1": "17:00",
            "accommodations-0-reason": "Ill",
        },
    )
    response = client.post(change_url(prompt), data)
    assert response.status_code == 302, errors(response)
    accommodation = Accommodation.objects.get()
    assert accommodation.due_at == ny(14, 17)
    assert accommodation.granted_by == course_ny.instructor


def test_an_accommodation_must_excuse_or_extend(course_ny, client):
    prompt = PromptFactory(course=course_ny.course, slug="thaw", opens_at=ny(9, 9), due_at=ny(12, 23, 59))
    client.force_login(course_ny.instructor)
    data = prompt_data(
        course_ny.course,
        **{
            "accommodations-TOTAL_FORMS": "1",
            "accommodations-0-member": course_ny.objects["courses.membership"].pk,
        },
    )
    response = client.post(change_url(prompt), data)
    assert response.status_code == 200
    assert "Tick “excused”, or give this student's own due time." in errors(response)
    assert not Accommodation.objects.exists()


def test_a_student_of_another_course_cannot_be_accommodated(course_ny, course_b, client):
    prompt = PromptFactory(course=course_ny.course, slug="thaw", opens_at=ny(9, 9), due_at=ny(12, 23, 59))
    client.force_login(course_ny.instructor)
    data = prompt_data(
        course_ny.course,
        **{
            "accommodations-TOTAL_FORMS": "1",
            "accommodations-0-member": course_b.objects["courses.membership"].pk,
            "accommodations-0-excused": "on",
        },
    )
    response = client.post(change_url(prompt), data)
    assert response.status_code == 200
    assert "Choose a student of this prompt's course." in errors(response)
    assert not Accommodation.objects.exists()


# --- votes and closes: seen, never edited ---


@pytest.fixture
def votes(course_ny, course_b):
    closed_week, open_week = datetime.date(2026, 10, 26), datetime.date(2026, 11, 2)
    post = PostFactory(course=course_ny.course, title="Voted post")
    ChoiceClose.objects.create(course=course_ny.course, week=closed_week, closed_at=ny(2, 0), votes_cast=1)
    voter = MembershipFactory(course=course_ny.course, display_name="Closed voter")
    closed = Vote.objects.create(course=course_ny.course, week=closed_week, voter=voter, post=post)
    still_open = Vote.objects.create(
        course=course_ny.course,
        week=open_week,
        voter=MembershipFactory(course=course_ny.course, display_name="Open voter"),
        post=post,
    )
    b_post = PostFactory(course=course_b.course, title="B's voted post")
    ChoiceClose.objects.create(course=course_b.course, week=closed_week, closed_at=ny(2, 0), votes_cast=1)
    b_vote = Vote.objects.create(
        course=course_b.course, week=closed_week, voter=MembershipFactory(course=course_b.course), post=b_post
    )
    return closed, still_open, b_vote


def test_votes_are_seen_only_once_their_week_closed_and_only_in_ones_courses(course_ny, votes, client):
    closed, still_open, b_vote = votes
    client.force_login(course_ny.instructor)
    listing = client.get(reverse("admin:coursework_vote_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Closed voter" in text
    assert "Open voter" not in text  # counts stay hidden until the close, in the admin too
    assert "B&#x27;s voted post" not in text and "B's voted post" not in text
    assert client.get(reverse("admin:coursework_vote_change", args=[still_open.pk])).status_code == 404
    assert client.get(reverse("admin:coursework_vote_change", args=[b_vote.pk])).status_code == 404


def test_votes_and_closes_cannot_be_added_changed_or_deleted(course_ny, votes, client):
    closed, _, _ = votes
    close = ChoiceClose.objects.get(course=course_ny.course)
    client.force_login(course_ny.instructor)
    assert client.get(reverse("admin:coursework_vote_add")).status_code == 403
    assert client.get(reverse("admin:coursework_choiceclose_add")).status_code == 403
    page = client.get(reverse("admin:coursework_vote_change", args=[closed.pk]))
    assert page.status_code == 200
    assert soup(page).find("input", attrs={"name": "_save"}) is None  # read-only
    client.post(reverse("admin:coursework_vote_change", args=[closed.pk]), {"post": "", "week": "2026-01-05"})
    assert Vote.objects.get(pk=closed.pk).week == datetime.date(2026, 10, 26)
    assert (
        client.post(
            reverse("admin:coursework_choiceclose_delete", args=[close.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ChoiceClose.objects.filter(pk=close.pk).exists()
    listing = client.get(reverse("admin:coursework_choiceclose_changelist")).content.decode()
    assert str(course_ny.course) in listing
