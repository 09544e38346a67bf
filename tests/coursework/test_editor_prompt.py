"""The editor's "In response to" field, and the post page's "In response to" line with its late mark."""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coursework import prompts
from coursework.models import PromptResponse
from posts.models import Post
from tests.factories import (
    CourseFactory,
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


@pytest.fixture
def course_week(db, settings):
    settings.TIME_ZONE = "UTC"
    with time_machine.travel(ny(11, 12), tick=False):
        course = CourseFactory(slug="soviet", time_zone="America/New_York")
        teacher = InstructorFactory(course=course).user
        ann = MembershipFactory(course=course, user=UserFactory(username="ann"), display_name="Ann Archer")
        thaw = PromptFactory(
            course=course, title="The Thaw", slug="thaw", opens_at=ny(9, 9), due_at=ny(12, 23, 59)
        )
        older = PromptFactory(
            course=course, title="The Purges", slug="purges", opens_at=ny(2, 9), due_at=ny(5, 23, 59)
        )
        coming = PromptFactory(
            course=course, title="Sputnik", slug="sputnik", opens_at=ny(16, 9), due_at=ny(19, 23, 59)
        )
        yield SimpleNamespace(course=course, teacher=teacher, ann=ann, thaw=thaw, older=older, coming=coming)


def writer(user):
    client = Client()
    client.force_login(user)
    return client


def write_url(course, query=""):
    return reverse("posts:write", kwargs={"course_slug": course.slug}) + query


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def prompt_select(response):
    return page(response).find("select", attrs={"name": "prompt"})


def words(response):
    return " ".join(page(response).get_text().split())


# --- the editor ---


def test_write_your_response_preselects_the_prompt(course_week):
    response = writer(course_week.ann.user).get(write_url(course_week.course, "?prompt=thaw"))
    select = prompt_select(response)
    assert (
        select.find("option", selected=True).get_text()
        == "The Thaw, due Thu 12 Nov, 23:59 (America/New_York)"
    )
    assert page(response).find("label", attrs={"for": select["id"]}).get_text(strip=True) == "In response to"


def test_the_editor_offers_opened_prompts_newest_first(course_week):
    response = writer(course_week.ann.user).get(write_url(course_week.course))
    options = [o.get_text() for o in prompt_select(response).find_all("option")]
    assert options[0] == "No prompt: a post of my own"
    assert [o.split(", due")[0] for o in options[1:]] == [
        "The Thaw",
        "The Purges",
    ]  # not Sputnik, not open yet
    assert prompt_select(response).find("option", selected=True).get_text() == "No prompt: a post of my own"


def test_an_unknown_prompt_in_the_link_preselects_nothing(course_week):
    response = writer(course_week.ann.user).get(write_url(course_week.course, "?prompt=sputnik"))
    assert prompt_select(response).find("option", selected=True)["value"] == ""


def test_publishing_links_the_post_and_the_post_says_so(course_week):
    client = writer(course_week.ann.user)
    response = client.post(
        write_url(course_week.course, "?prompt=thaw"),
        {"title": "Khrushchev's speech", "body": "Text.", "action": "publish", "prompt": course_week.thaw.pk},
    )
    post = Post.objects.get(title="Khrushchev's speech")
    assert response.status_code == 302
    assert post.prompt_response.prompt == course_week.thaw
    link = page(Client().get(post.get_absolute_url())).find("p", class_="in-response-to").find("a")
    assert link.get_text() == "The Thaw"
    assert link["href"] == course_week.thaw.get_absolute_url()


def test_changing_the_prompt_and_then_to_none(course_week):
    post = PostFactory(course=course_week.course, author=course_week.ann.user, title="Mine")
    PromptResponseFactory(post=post, prompt=course_week.thaw)
    client = writer(course_week.ann.user)
    edit = post.get_edit_url()
    assert prompt_select(client.get(edit)).find("option", selected=True)["value"] == str(course_week.thaw.pk)
    data = {"title": "Mine", "body": "Text.", "action": "publish"}
    assert client.post(edit, {**data, "prompt": course_week.older.pk}).status_code == 302
    assert PromptResponse.objects.get(post=post).prompt == course_week.older
    assert client.post(edit, {**data, "prompt": ""}).status_code == 302
    assert not PromptResponse.objects.filter(post=post).exists()
    assert "In response to" not in Client().get(post.get_absolute_url()).content.decode()


def test_a_post_keeps_a_prompt_that_would_not_be_offered(course_week):
    post = PostFactory(course=course_week.course, author=course_week.ann.user, title="Early bird")
    PromptResponseFactory(post=post, prompt=course_week.coming)  # linked by hand before it opened
    client = writer(course_week.ann.user)
    select = prompt_select(client.get(post.get_edit_url()))
    assert select.find("option", selected=True)["value"] == str(course_week.coming.pk)
    data = {"title": "Early bird", "body": "Text.", "action": "publish", "prompt": course_week.coming.pk}
    assert client.post(post.get_edit_url(), data).status_code == 302
    assert PromptResponse.objects.get(post=post).prompt == course_week.coming


def test_another_courses_prompt_is_refused_and_the_text_is_kept(course_week):
    elsewhere = PromptFactory(course=CourseFactory(), title="Not ours")
    response = writer(course_week.ann.user).post(
        write_url(course_week.course),
        {"title": "Kept title", "body": "Kept *body*.", "action": "publish", "prompt": elsewhere.pk},
    )
    assert response.status_code == 400
    assert "Choose one of this course's prompts, or none." in words(response)
    assert page(response).find("input", attrs={"name": "title"})["value"] == "Kept title"
    assert "Kept *body*." in page(response).find("textarea", attrs={"name": "body"}).get_text()
    assert not Post.objects.filter(title="Kept title").exists()
    assert not PromptResponse.objects.exists()


def test_a_prompt_not_yet_open_cannot_be_picked(course_week):
    response = writer(course_week.ann.user).post(
        write_url(course_week.course),
        {"title": "Too soon", "body": "Text.", "action": "publish", "prompt": course_week.coming.pk},
    )
    assert response.status_code == 400
    assert not Post.objects.filter(title="Too soon").exists()


def test_saving_a_draft_links_it_too(course_week):
    client = writer(course_week.ann.user)
    client.post(
        write_url(course_week.course),
        {"title": "Half done", "body": "Text.", "action": "draft", "prompt": course_week.thaw.pk},
    )
    post = Post.objects.get(title="Half done")
    assert not post.is_published
    assert post.prompt_response.prompt == course_week.thaw


# --- the post page ---


@pytest.fixture
def responses(course_week):
    """Ann answered a minute before midnight in New York, Ben a minute after it."""
    ben = MembershipFactory(
        course=course_week.course, user=UserFactory(username="ben"), display_name="Ben Brook"
    )
    on_time = PostFactory(course=course_week.course, author=course_week.ann.user, published_at=ny(12, 23, 58))
    late = PostFactory(course=course_week.course, author=ben.user, published_at=ny(13, 0, 1))
    PromptResponseFactory(post=on_time, prompt=course_week.thaw)
    PromptResponseFactory(post=late, prompt=course_week.thaw)
    return SimpleNamespace(ben=ben, on_time=on_time, late=late)


def line_of(user, post):
    client = Client()
    if user is not None:
        client.force_login(user)
    with time_machine.travel(ny(14, 12), tick=False):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    found = page(response).find("p", class_="in-response-to")
    return " ".join(found.get_text().split()) if found else None


@pytest.fixture(params=["caching off", "caching on"])
def caching(request, settings):
    settings.ANONYMOUS_PAGE_CACHE = request.param == "caching on"


def test_every_reader_sees_what_the_post_answers_but_only_the_author_and_instructors_lateness(
    course_week, responses, caching
):
    classmate = MembershipFactory(course=course_week.course).user
    for reader in (None, classmate, course_week.ann.user):
        assert line_of(reader, responses.late) == "In response to The Thaw"
    assert line_of(responses.ben.user, responses.late) == (
        "In response to The Thaw Late: published 2 minutes after the due time"
    )
    assert line_of(course_week.teacher, responses.late) == (
        "In response to The Thaw Late: published 2 minutes after the due time"
    )
    assert line_of(course_week.ann.user, responses.on_time) == "In response to The Thaw On time"
    assert line_of(InstructorFactory().user, responses.late) == "In response to The Thaw"  # another course's


def test_an_extension_shows_on_the_post_page_at_once(course_week, responses, caching):
    assert "Late" in line_of(responses.ben.user, responses.late)
    prompts.accommodation_grant(
        prompt=course_week.thaw, member=responses.ben, by=course_week.teacher, due_at=ny(14, 9)
    )
    assert line_of(responses.ben.user, responses.late) == (
        "In response to The Thaw On time (due time extended to Sat 14 Nov, 09:00 (America/New_York))"
    )
    prompts.accommodation_grant(
        prompt=course_week.thaw, member=responses.ben, by=course_week.teacher, excused=True
    )
    assert line_of(course_week.teacher, responses.late) == "In response to The Thaw Excused"
    prompts.accommodation_remove(prompt=course_week.thaw, member=responses.ben)
    assert "Late" in line_of(course_week.teacher, responses.late)


def test_a_post_with_no_prompt_says_nothing(course_week, caching):
    post = PostFactory(course=course_week.course, author=course_week.ann.user)
    assert line_of(course_week.ann.user, post) is None


def _queries(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(url)  # warms the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_from_the_cache_the_line_costs_no_query(course_week, responses, settings):
    """With caching on, a post answering a prompt costs what a post answering none costs, for every reader."""
    settings.ANONYMOUS_PAGE_CACHE = True
    plain = PostFactory(course=course_week.course, author=responses.ben.user)
    classmate = MembershipFactory(course=course_week.course).user
    with time_machine.travel(ny(14, 12), tick=False):
        for reader in (None, classmate, responses.ben.user, course_week.teacher):
            cache.clear()
            answering = _queries(reader, responses.late.get_absolute_url())
            cache.clear()
            assert len(answering) == len(_queries(reader, plain.get_absolute_url()))
            assert not [q for q in answering if "coursework_" in q], reader
