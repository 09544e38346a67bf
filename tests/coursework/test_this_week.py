"""The course front page's "This week": open prompts, the vote, the digest, and a student's own week."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coursework import readers
from coursework.models import Digest, Prompt, PromptResponse
from tests.admin.conftest import soup
from tests.factories import (
    CommentFactory,
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
)
from tests.hardening.executable import executable_parts
from tests.hardening.payloads import all_payloads

NEW_YORK = "America/New_York"
NOW = datetime.datetime(2026, 11, 18, 17, 0, tzinfo=datetime.UTC)  # Wed 18 Nov, noon in New York
WEEK = datetime.date(2026, 11, 16)
# Friday 20 Nov at 23:59 in New York is Saturday 04:59 UTC.
DUE = datetime.datetime(2026, 11, 21, 4, 59, tzinfo=datetime.UTC)
DUE_SHOWN = "Fri 20 Nov, 23:59 (America/New_York)"


def make_prompt(course, title, opens_at=NOW - datetime.timedelta(days=2), due_at=DUE, **kwargs):
    return Prompt.objects.create(
        course=course,
        title=title,
        slug=slugify(title),
        body="Read Khrushchev's Secret Speech.",
        opens_at=opens_at,
        due_at=due_at,
        **kwargs,
    )


def answer(prompt, member, **kwargs):
    post = PostFactory(course=prompt.course, author=member.user, **kwargs)
    PromptResponse.objects.create(post=post, prompt=prompt)
    return post


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def course(frozen):
    return CourseFactory(title="Soviet History", slug="soviet", time_zone=NEW_YORK)


@pytest.fixture
def ann(course):
    return MembershipFactory(course=course, display_name="Ann Archer")


@pytest.fixture
def ben(course):
    return MembershipFactory(course=course, display_name="Ben Brook")


def front(client, course):
    response = client.get(reverse("posts:front", kwargs={"course_slug": course.slug}))
    assert response.status_code == 200
    return response


def box(response):
    return soup(response).select_one("section.this-week")


def text_of(node):
    return " ".join(node.get_text().split())


def test_anonymous_readers_see_the_open_prompt_its_due_date_and_count_only(client, course, ann, ben):
    prompt = make_prompt(course, "De-Stalinization and the Thaw")
    answer(prompt, ann)
    answer(prompt, ben)
    draft = DraftFactory(course=course, author=MembershipFactory(course=course).user)
    PromptResponse.objects.create(post=draft, prompt=prompt)  # a draft is no answer yet
    make_prompt(course, "Not yet open", opens_at=NOW + datetime.timedelta(hours=1))
    make_prompt(course, "Already due", opens_at=NOW - datetime.timedelta(days=9), due_at=NOW)

    section = box(front(client, course))
    assert section is not None
    link = section.find("a", string="De-Stalinization and the Thaw")
    assert link["href"] == prompt.get_absolute_url()
    text = text_of(section)
    assert f"Due {DUE_SHOWN}." in text
    assert "2 students have answered." in text
    assert "Not yet open" not in text and "Already due" not in text
    for personal in ("Write your response", "You answered", "Waiting for a response", "Students' Choice"):
        assert personal not in text


def test_a_student_is_asked_to_write_until_they_have_answered(client, course, ann):
    prompt = make_prompt(course, "De-Stalinization and the Thaw")
    client.force_login(ann.user)

    section = box(front(client, course))
    write = section.find("a", string="Write your response")
    assert write["href"] == reverse("posts:write", kwargs={"course_slug": course.slug}) + (
        "?prompt=de-stalinization-and-the-thaw"
    )
    assert "No one has answered yet." in text_of(section)

    answer(prompt, ann)
    section = box(front(client, course))
    assert section.find("a", string="Write your response") is None
    assert "You answered." in text_of(section)
    assert "1 student has answered." in text_of(section)


def test_the_comment_requirement_with_the_students_progress(client, course, ann, ben):
    make_prompt(
        course,
        "The Thaw in letters",
        comments_required=2,
        comments_due_at=datetime.datetime(2026, 11, 22, 4, 59, tzinfo=datetime.UTC),
    )
    bens_post = PostFactory(course=course, author=ben.user)
    CommentFactory(post=bens_post, author=ann.user)
    CommentFactory(post=bens_post, author=ann.user)  # the same post again: still one post
    CommentFactory(post=PostFactory(course=course, author=ann.user), author=ann.user)  # her own: not counted

    client.force_login(ann.user)
    text = text_of(box(front(client, course)))
    assert "Comment on 2 classmates' posts by Sat 21 Nov, 23:59 (America/New_York)." in text
    assert "You have commented on 1 of 2." in text

    CommentFactory(post=PostFactory(course=course, author=ben.user), author=ann.user)
    assert "You have met it." in text_of(box(front(client, course)))

    client.logout()
    text = text_of(box(front(client, course)))
    assert "Comment on 2 classmates' posts" in text
    assert "You have commented" not in text


def test_waiting_for_a_response_lists_this_weeks_unanswered_posts_of_others(client, course, ann, ben):
    answered = PostFactory(course=course, author=ben.user, title="Answered already")
    CommentFactory(post=answered, author=MembershipFactory(course=course).user)
    only_self = PostFactory(course=course, author=ben.user, title="Only the author replied")
    CommentFactory(post=only_self, author=ben.user)
    pending = PostFactory(course=course, author=ben.user, title="A pending comment only")
    CommentFactory(post=pending, author=ann.user, status="pending")
    PostFactory(course=course, author=ann.user, title="Ann's own post")
    PostFactory(
        course=course,
        author=ben.user,
        title="Last week",
        published_at=datetime.datetime(2026, 11, 16, 4, 0, tzinfo=datetime.UTC),  # Sunday 23:00 in New York
    )

    client.force_login(ann.user)
    section = box(front(client, course))
    waiting = section.select_one("ul.week-waiting")
    titles = [a.get_text(strip=True) for a in waiting.select("a")]
    assert titles == ["Only the author replied", "A pending comment only"]
    assert "by Ben Brook" in text_of(waiting)


def test_readings_shown_and_marked_done_once_answered(client, course, ann, ben):
    course.assign_readers = True
    course.save()
    cy = MembershipFactory(course=course, display_name="Cy Cole")
    last_week = datetime.datetime(2026, 11, 11, 15, 0, tzinfo=datetime.UTC)
    PostFactory(course=course, author=ben.user, title="Ben on the Thaw", published_at=last_week)
    PostFactory(course=course, author=cy.user, title="Cy on the Thaw", published_at=last_week)
    readers.assign_readers(course=course, week=WEEK)

    client.force_login(ann.user)
    section = box(front(client, course))
    readings = section.select_one("ul.week-readings")
    assert [a.get_text(strip=True) for a in readings.select("a")] == ["Ben on the Thaw", "Cy on the Thaw"]
    assert [b.get_text(strip=True) for b in readings.select(".badge")] == ["To answer", "To answer"]
    assert "by Ben Brook" in text_of(readings)

    bens = ann.reader_assignments.get(post__title="Ben on the Thaw").post
    CommentFactory(post=bens, author=ann.user)
    readings = box(front(client, course)).select_one("ul.week-readings")
    assert [b.get_text(strip=True) for b in readings.select(".badge")] == ["Done", "To answer"]


def test_no_readings_where_the_course_does_not_give_them(client, course, ann, ben):
    PostFactory(
        course=course, author=ben.user, published_at=datetime.datetime(2026, 11, 11, tzinfo=datetime.UTC)
    )
    readers.assign_readers(course=course, week=WEEK)  # made by hand, but the course has readers off
    client.force_login(ann.user)
    assert box(front(client, course)).select_one("ul.week-readings") is None


def test_the_vote_for_students_and_the_latest_published_digest_for_everyone(client, course, ann):
    Digest.objects.create(
        course=course, week=datetime.date(2026, 11, 2), status="published", published_at=NOW
    )
    Digest.objects.create(
        course=course, week=datetime.date(2026, 11, 9), status="published", published_at=NOW
    )
    Digest.objects.create(course=course, week=WEEK)  # a draft

    section = box(front(client, course))
    digest = section.find("a", string="The latest digest: week of 9 November 2026")
    assert digest["href"] == reverse(
        "coursework:digest", kwargs={"course_slug": "soviet", "week": "2026-11-09"}
    )
    assert section.find("a", string="Vote for this week's Students' Choice") is None

    client.force_login(ann.user)
    vote = box(front(client, course)).find("a", string="Vote for this week's Students' Choice")
    assert vote["href"] == reverse("coursework:choice", kwargs={"course_slug": "soviet"})


def test_instructors_see_the_prompts_without_a_students_parts(client, course, ann):
    make_prompt(course, "De-Stalinization and the Thaw")
    PostFactory(course=course, author=ann.user)
    client.force_login(InstructorFactory(course=course).user)
    text = text_of(box(front(client, course)))
    assert "De-Stalinization and the Thaw" in text
    for personal in ("Write your response", "Waiting for a response", "Vote for"):
        assert personal not in text
    # Instructors do not vote, but they reach the week's vote to close it early.
    link = box(front(client, course)).find("a", string="This week's Students' Choice")
    assert link["href"] == reverse("coursework:choice", kwargs={"course_slug": course.slug})


def test_nothing_when_there_is_nothing(client, course, ann):
    PostFactory(course=course, author=ann.user)
    make_prompt(course, "Coming later", opens_at=NOW + datetime.timedelta(days=1), due_at=DUE)
    response = front(client, course)
    assert box(response) is None
    assert "This week" not in response.content.decode()


def test_only_on_the_first_page_of_the_front_page(client, course, ann):
    make_prompt(course, "De-Stalinization and the Thaw")
    for _ in range(11):
        PostFactory(course=course, author=ann.user)
    assert box(front(client, course)) is not None
    second = client.get(reverse("posts:front", kwargs={"course_slug": course.slug}), {"page": 2})
    assert second.status_code == 200
    assert box(second) is None


def test_with_caching_on_prompts_open_and_close_by_the_clock(client, settings, db, django_assert_num_queries):
    """The kept part holds every prompt not yet due: opening and falling due need no bump."""
    settings.ANONYMOUS_PAGE_CACHE = True
    course = CourseFactory(time_zone=NEW_YORK)
    student = MembershipFactory(course=course)
    opens = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=1)
    prompt = make_prompt(
        course, "Opens in a minute", opens_at=opens, due_at=opens + datetime.timedelta(minutes=2)
    )
    client.force_login(student.user)  # a member's page is never cached whole: only the kept part is

    def reads_prompts(captured):
        return any('FROM "coursework_prompt" ' in q["sql"] for q in captured.captured_queries)

    with time_machine.travel(opens - datetime.timedelta(seconds=30), tick=False):
        with CaptureQueriesContext(connection) as captured:
            assert "Opens in a minute" not in text_of(box(front(client, course)))
        assert reads_prompts(captured)  # made and kept
    with time_machine.travel(opens + datetime.timedelta(seconds=30), tick=False):
        with CaptureQueriesContext(connection) as captured:
            section = box(front(client, course))
        assert "Opens in a minute" in text_of(section)
        assert not reads_prompts(captured)  # the kept part, read by the clock
        answer(prompt, student)  # a response bumps the course's version: the count is read again
        assert "1 student has answered." in text_of(box(front(client, course)))
    with time_machine.travel(opens + datetime.timedelta(minutes=2, seconds=1), tick=False):
        assert "Opens in a minute" not in text_of(box(front(client, course)))


def queries_for(client, course):
    with CaptureQueriesContext(connection) as captured:
        front(client, course)
    return [q["sql"] for q in captured.captured_queries]


def test_front_page_queries_do_not_grow_with_posts_prompts_comments_and_readings(client, course):
    course.assign_readers = True
    course.save()
    student = MembershipFactory(course=course)
    instructor = InstructorFactory(course=course)
    Digest.objects.create(
        course=course, week=datetime.date(2026, 11, 9), status="published", published_at=NOW
    )
    last_week = datetime.datetime(2026, 11, 11, 15, 0, tzinfo=datetime.UTC)

    def add(n):
        for _ in range(n):
            i = Prompt.objects.count()
            prompt = make_prompt(
                course,
                f"Prompt {i}",
                comments_required=2,
                comments_due_at=DUE + datetime.timedelta(days=1),
            )
            author = MembershipFactory(course=course)
            answer(prompt, author)
            answer(prompt, student, title=f"Answer {i}")
            PostFactory(course=course, author=author.user)  # waiting for a response
            CommentFactory(post=PostFactory(course=course, author=author.user), author=student.user)
            PostFactory(course=course, author=author.user, published_at=last_week)  # to be read
        readers.ReaderAssignment.objects.all().delete()
        readers.assign_readers(course=course, week=WEEK)

    def measure():
        counts = {}
        for who in (None, student.user, instructor.user):
            client.logout()
            if who is not None:
                client.force_login(who)
            counts[who.username if who else "anonymous"] = queries_for(client, course)
        return counts

    add(1)
    few = measure()
    add(49)
    many = measure()
    for who in few:
        assert len(few[who]) == len(many[who]), (who, few[who], many[who])
    # What the student's page shows at 50: the parts are there, so the count covers them.
    client.force_login(student.user)
    section = box(front(client, course))
    assert len(section.select("div.week-prompt")) == 50
    assert len(section.select("ul.week-readings li")) == 2
    assert len(section.select("ul.week-waiting li")) == 5


@pytest.mark.parametrize("payload", all_payloads()[::8])
def test_what_students_wrote_is_inert_in_this_week(client, course, payload):
    writer = MembershipFactory(course=course, display_name=payload[:80])
    course.assign_readers = True
    course.save()
    make_prompt(course, payload[:200], comments_required=1, comments_due_at=DUE)
    PostFactory(course=course, author=writer.user, title=payload[:200])  # waiting for a response
    PostFactory(
        course=course,
        author=writer.user,
        title=payload[:200],
        published_at=datetime.datetime(2026, 11, 11, 15, 0, tzinfo=datetime.UTC),
    )
    reader = MembershipFactory(course=course)
    readers.assign_readers(course=course, week=WEEK)
    client.force_login(reader.user)

    section = box(front(client, course))
    assert len(section.select("ul.week-readings li")) == 1 and len(section.select("ul.week-waiting li")) == 1
    assert executable_parts(str(section)) == []
