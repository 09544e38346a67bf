"""The prompt list, the prompt page, and the instructors' accommodations, as readers see them."""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coursework.models import Accommodation
from tests.admin.conftest import soup
from tests.factories import (
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    PromptFactory,
    PromptResponseFactory,
    UserFactory,
)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def ny(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK)


NOW = ny(13, 12)  # the day after the Thaw prompt was due


@pytest.fixture
def week(db, settings):
    """A New York course on a UTC site: Ann answered on time, Ben a minute past midnight, Cy not at all."""
    settings.TIME_ZONE = "UTC"
    with time_machine.travel(NOW, tick=False):
        course = CourseFactory(title="Soviet History", slug="soviet", time_zone="America/New_York")
        teacher = InstructorFactory(course=course, user=UserFactory(username="teacher"), display_name="Prof")
        ann = MembershipFactory(course=course, user=UserFactory(username="ann"), display_name="Ann Archer")
        ben = MembershipFactory(course=course, user=UserFactory(username="ben"), display_name="Ben Brook")
        cy = MembershipFactory(course=course, user=UserFactory(username="cy"), display_name="Cy Cole")
        thaw = PromptFactory(
            course=course,
            title="De-Stalinization and the Thaw",
            slug="thaw",
            opens_at=ny(9, 9),
            due_at=ny(12, 23, 59),
            comments_required=2,
            comments_due_at=ny(14, 23, 59),
        )
        coming = PromptFactory(
            course=course, title="The Space Race", slug="space", opens_at=ny(16, 9), due_at=ny(19, 23, 59)
        )
        ann_post = PostFactory(
            course=course, author=ann.user, title="Ann on the Thaw", published_at=ny(12, 23, 58)
        )
        ben_post = PostFactory(
            course=course, author=ben.user, title="Ben on the Thaw", published_at=ny(13, 0, 1)
        )
        PromptResponseFactory(post=ann_post, prompt=thaw)
        PromptResponseFactory(post=ben_post, prompt=thaw)
        yield SimpleNamespace(
            course=course,
            teacher=teacher.user,
            ann=ann,
            ben=ben,
            cy=cy,
            thaw=thaw,
            coming=coming,
            ann_post=ann_post,
            ben_post=ben_post,
        )


def get(user, url, status=200):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, url
    return response


def list_url(course):
    return reverse("coursework:prompts", kwargs={"course_slug": course.slug})


def accommodation_url(prompt):
    return reverse(
        "coursework:accommodation", kwargs={"course_slug": prompt.course.slug, "slug": prompt.slug}
    )


def text(response):
    return " ".join(soup(response).get_text().split())


# --- the list ---


def test_the_list_shows_opened_prompts_with_dates_in_the_course_zone(week):
    page = text(get(None, list_url(week.course)))
    assert "De-Stalinization and the Thaw" in page
    assert "Due Thu 12 Nov, 23:59 (America/New_York)" in page
    assert "Comment on 2 classmates' posts by Sat 14 Nov, 23:59 (America/New_York)." in page
    assert "2 students answered" in page
    assert "The Space Race" not in page  # students and visitors never see a prompt before it opens


def test_instructors_see_coming_prompts_too(week):
    page = text(get(week.teacher, list_url(week.course)))
    assert "Coming" in page
    assert "The Space Race Opens Mon 16 Nov, 09:00 (America/New_York)" in page


def test_a_student_sees_whether_they_answered(week):
    assert "You answered" in text(get(week.ann.user, list_url(week.course)))
    cy_page = text(get(week.cy.user, list_url(week.course)))
    assert "You answered" not in cy_page
    assert "You did not answer" in cy_page


def test_the_list_of_a_members_only_course_is_hidden_from_outsiders(week):
    week.course.visibility = "members"
    week.course.save()
    get(None, list_url(week.course), status=404)
    get(UserFactory(), list_url(week.course), status=404)
    get(week.cy.user, list_url(week.course))


# --- the prompt page ---


def test_the_prompt_page_lists_its_live_responses_and_counts_them(week):
    DraftFactory(course=week.course, author=week.cy.user, title="Cy's unfinished draft")
    page = text(get(None, week.thaw.get_absolute_url()))
    assert "Ann on the Thaw by Ann Archer" in page
    assert "Ben on the Thaw by Ben Brook" in page
    assert "2 students answered." in page
    assert "unfinished draft" not in page
    assert "Read the sources and answer." in page  # the body, through the Markdown pipeline


def test_late_marks_are_for_the_author_and_instructors_only(week):
    for reader in (None, week.ann.user, week.cy.user):
        page = text(get(reader, week.thaw.get_absolute_url()))
        assert "Ben on the Thaw" in page
        assert "Late" not in page, reader
    ben_page = text(get(week.ben.user, week.thaw.get_absolute_url()))
    assert "You answered with Ben on the Thaw Late: published 2 minutes after the due time" in ben_page
    assert "You answered with Ann" not in ben_page
    ann_page = text(get(week.ann.user, week.thaw.get_absolute_url()))
    assert "You answered with Ann on the Thaw On time" in ann_page


def test_write_your_response_for_a_student_who_has_not_answered(week):
    response = get(week.cy.user, week.thaw.get_absolute_url())
    link = soup(response).find("a", string="Write your response")
    assert link["href"] == reverse("posts:write", kwargs={"course_slug": "soviet"}) + "?prompt=thaw"
    assert "a response published now is marked late" in text(response)
    assert (
        soup(get(week.ann.user, week.thaw.get_absolute_url())).find("a", string="Write your response") is None
    )
    assert soup(get(None, week.thaw.get_absolute_url())).find("a", string="Write your response") is None
    assert (
        soup(get(week.teacher, week.thaw.get_absolute_url())).find("a", string="Write your response") is None
    )


def test_a_student_with_a_draft_response_is_sent_back_to_it(week):
    draft = DraftFactory(course=week.course, author=week.cy.user, title="Cy's half answer")
    PromptResponseFactory(post=draft, prompt=week.thaw)
    response = get(week.cy.user, week.thaw.get_absolute_url())
    assert soup(response).find("a", string="Cy's half answer")["href"] == draft.get_edit_url()
    assert soup(response).find("a", string="Write your response") is None
    assert "Cy's half answer" not in text(get(None, week.thaw.get_absolute_url()))


def test_an_unopened_prompt_is_a_404_to_all_but_instructors(week):
    url = week.coming.get_absolute_url()
    get(None, url, status=404)
    get(week.ann.user, url, status=404)
    get(InstructorFactory().user, url, status=404)
    page = text(get(week.teacher, url))
    assert "Not open yet: students see this prompt from Mon 16 Nov, 09:00 (America/New_York)." in page


def test_instructors_see_every_students_standing(week):
    Accommodation.objects.create(prompt=week.thaw, member=week.cy, excused=True, reason="Family emergency")
    response = get(week.teacher, week.thaw.get_absolute_url())
    rows = {
        row.th.get_text(strip=True): [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in soup(response).select(".standings tbody tr")
    }
    assert rows["Ann Archer"][:2] == ["On time", "Ann on the Thaw"]
    assert rows["Ben Brook"][:2] == ["Late", "Ben on the Thaw"]
    assert rows["Cy Cole"][0] == "Excused"
    assert "Family emergency" in rows["Cy Cole"][2]
    assert "Prof" not in rows  # instructors answer no prompt
    # The table and its forms are the instructors' only.
    assert "standings" not in get(week.ann.user, week.thaw.get_absolute_url()).content.decode()


def test_a_student_sees_their_own_extended_due_time(week):
    Accommodation.objects.create(prompt=week.thaw, member=week.ben, due_at=ny(14, 17))
    page = text(get(week.ben.user, week.thaw.get_absolute_url()))
    assert "Your own due time: Sat 14 Nov, 17:00 (America/New_York)." in page
    assert "You answered with Ben on the Thaw On time" in page
    assert "14 Nov, 17:00" not in text(get(week.ann.user, week.thaw.get_absolute_url()))


def test_a_student_still_to_answer_before_the_due_time_gets_no_late_warning(week):
    with time_machine.travel(ny(11, 12), tick=False):
        page = text(get(week.cy.user, week.thaw.get_absolute_url()))
    assert "Write your response" in page
    assert "marked late" not in page


# --- accommodations ---


def post_accommodation(user, prompt, data):
    client = Client()
    client.force_login(user)
    return client.post(accommodation_url(prompt), data)


def test_an_instructor_extends_in_the_course_zone_and_the_late_response_becomes_on_time(week):
    with time_machine.travel(NOW, tick=False):
        response = post_accommodation(
            week.teacher, week.thaw, {"member": week.ben.pk, "action": "extend", "due_at": "2026-11-14T17:00"}
        )
    assert response.status_code == 302
    assert response["Location"] == f"{week.thaw.get_absolute_url()}#student-{week.ben.pk}"
    accommodation = Accommodation.objects.get(prompt=week.thaw, member=week.ben)
    assert accommodation.due_at == datetime.datetime(
        2026, 11, 14, 22, 0, tzinfo=datetime.UTC
    )  # 17:00 in New York
    assert accommodation.granted_by == week.teacher
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Ben Brook's due time for “De-Stalinization and the Thaw” is now "
        "Sat 14 Nov, 17:00 (America/New_York)."
    ]
    with time_machine.travel(NOW, tick=False):
        assert "You answered with Ben on the Thaw On time" in text(
            get(week.ben.user, week.thaw.get_absolute_url())
        )


def test_an_instructor_excuses_and_undoes(week):
    response = post_accommodation(
        week.teacher, week.thaw, {"member": week.cy.pk, "action": "excuse", "reason": "Ill"}
    )
    assert response.status_code == 302
    accommodation = Accommodation.objects.get(prompt=week.thaw, member=week.cy)
    assert accommodation.excused and accommodation.reason == "Ill"
    with time_machine.travel(NOW, tick=False):
        assert "You are excused from this prompt." in text(get(week.cy.user, week.thaw.get_absolute_url()))
    response = post_accommodation(week.teacher, week.thaw, {"member": week.cy.pk, "action": "remove"})
    assert response.status_code == 302
    assert not Accommodation.objects.exists()
    assert "Cy Cole is back to the prompt's own due time." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]


@pytest.mark.parametrize(
    "data, error",
    [
        ({"action": "extend", "due_at": "2026-13-45T17:00"}, "Enter a date and time"),
        ({"action": "extend", "due_at": ""}, "Give the new due time to extend to."),
        (
            {"action": "extend", "due_at": "2026-11-12T20:00"},
            "Choose a time after the prompt's own due time.",
        ),
        ({"action": "extend", "due_at": "2300-01-01T00:00"}, "Choose a date between 2000 and 2199."),
        (
            {"action": "extend", "due_at": "2026-03-08T02:30"},
            "may be ambiguous or it may not exist",
        ),  # DST gap
        ({"action": "shred"}, "Choose Excuse, Extend or Undo."),
    ],
)
def test_bad_input_is_shown_in_the_students_row_and_nothing_is_lost(week, data, error):
    with time_machine.travel(NOW, tick=False):
        response = post_accommodation(
            week.teacher, week.thaw, {"member": week.ben.pk, "reason": "Asked by mail", **data}
        )
    assert response.status_code == 400
    row = soup(response).find("tr", id=f"student-{week.ben.pk}")
    assert error in row.get_text()
    assert row.find("input", attrs={"name": "reason"})["value"] == "Asked by mail"
    if data.get("due_at"):
        assert row.find("input", attrs={"name": "due_at"})["value"] == data["due_at"]
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize("who", ["other course", "instructor", "nobody"])
def test_only_a_student_of_the_course_can_be_accommodated(week, who):
    member = {
        "other course": lambda: MembershipFactory().pk,
        "instructor": lambda: week.teacher.memberships.get().pk,
        "nobody": lambda: "abc",
    }[who]()
    with time_machine.travel(NOW, tick=False):
        response = post_accommodation(week.teacher, week.thaw, {"member": member, "action": "excuse"})
    assert response.status_code == 400
    assert "Choose a student of this course." in text(response)
    assert not Accommodation.objects.exists()


def test_students_may_not_accommodate(week):
    response = post_accommodation(week.ann.user, week.thaw, {"member": week.ann.pk, "action": "excuse"})
    assert response.status_code == 403
    assert "Only the course's instructors can excuse a student" in text(response)
    assert not Accommodation.objects.exists()


def test_another_courses_instructor_gets_a_404_once_the_course_is_members_only(week):
    week.course.visibility = "members"
    week.course.save()
    response = post_accommodation(
        InstructorFactory().user, week.thaw, {"member": week.ann.pk, "action": "excuse"}
    )
    assert response.status_code == 404


def test_an_instructor_of_another_public_course_is_refused(week):
    response = post_accommodation(
        InstructorFactory().user, week.thaw, {"member": week.ann.pk, "action": "excuse"}
    )
    assert response.status_code == 403
    assert not Accommodation.objects.exists()


def test_accommodation_is_post_only_and_needs_a_login(week):
    assert Client().post(accommodation_url(week.thaw), {}).status_code == 302  # to the login page
    client = Client()
    client.force_login(week.teacher)
    assert client.get(accommodation_url(week.thaw)).status_code == 405


# --- what is cached for anonymous readers ---


def test_the_anonymous_pages_are_the_same_whoever_visited_before(week, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    with time_machine.travel(NOW, tick=False):
        for url in (list_url(week.course), week.thaw.get_absolute_url()):
            get(week.teacher, url)
            get(week.ben.user, url)
            first = get(None, url)
            second = get(None, url)
            assert second["X-Page-Cache"] == "hit"
            for page in (first, second):
                html = page.content.decode()
                assert "Late" not in html and "You answered" not in html and "csrfmiddlewaretoken" not in html
            assert "You answered" in get(week.ben.user, url).content.decode()  # never the cached page


def test_a_new_response_shows_on_the_cached_prompt_page(week, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    with time_machine.travel(NOW, tick=False):
        url = week.thaw.get_absolute_url()
        assert "2 students answered." in text(get(None, url))
        PromptResponseFactory(
            post=PostFactory(course=week.course, author=week.cy.user, title="Cy at last"), prompt=week.thaw
        )
        assert "3 students answered." in text(get(None, url))


# --- a fixed number of queries ---


def queries(user, url):
    cache.clear()
    client = Client()
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def grow(week, n):
    """n more students, each answering the Thaw (extended) and a prompt of their own; Cy drafts n answers."""
    for i in range(n):
        member = MembershipFactory(course=week.course)
        PromptResponseFactory(post=PostFactory(course=week.course, author=member.user), prompt=week.thaw)
        prompt = PromptFactory(
            course=week.course, opens_at=ny(1, 9) + datetime.timedelta(hours=i), due_at=ny(20, 9)
        )
        PromptResponseFactory(post=PostFactory(course=week.course, author=member.user), prompt=prompt)
        Accommodation.objects.create(prompt=week.thaw, member=member, due_at=ny(20, 9))
        PromptResponseFactory(post=DraftFactory(course=week.course, author=week.cy.user), prompt=week.thaw)


@pytest.mark.parametrize("page", ["list", "prompt"])
def test_the_prompt_pages_run_the_same_queries_with_1_and_many_rows(week, page):
    url = list_url(week.course) if page == "list" else week.thaw.get_absolute_url()
    readers = {
        "anonymous": None,
        "student": week.cy.user,
        "answered": week.ann.user,
        "instructor": week.teacher,
    }
    with time_machine.travel(NOW, tick=False):
        grow(week, 1)
        few = {name: queries(user, url) for name, user in readers.items()}
        grow(week, 30)
        many = {name: queries(user, url) for name, user in readers.items()}
    for name in readers:
        assert len(few[name]) == len(many[name]), "\n".join([name, *few[name], "---", *many[name]])
