"""The search page: the form, hostile input, the length bound, the rate limit, and "no results"."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import CategoryFactory, PostFactory

from .helpers import found, search, search_url

pytestmark = pytest.mark.django_db

HOSTILE = [
    "amnesty " * 700,  # 5,600 characters
    '"unbalanced amnesty',
    'amnesty"',
    '""""',
    "amnesty NEAR(gulag thaw, 2)",
    "title:amnesty",
    "{title body}: amnesty",
    "^amnesty",
    "amnest*",
    "* AND OR NOT",
    "amnesty AND (gulag OR",
    "am\x00nesty",
    "\x00",
    "a & b | !c <-> d:* 'e'",
    "'); DROP TABLE search_searchentry; --",
    "\\",
    "%_%",
    "😀 амнистия 大赦",
    "-amnesty",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_are_answered_never_an_error(client, course, q):
    PostFactory(course=course, title="The amnesty of 1953")
    response = search(client, course, q)
    assert response.status_code == 200
    assert "search-q" in response.content.decode()


def test_engine_syntax_is_searched_as_words(client, course):
    PostFactory(course=course, title="The amnesty of 1953")
    assert found(search(client, course, "amnesty NEAR")) == []  # "near" is a word that must appear
    assert found(search(client, course, "^amnesty*")) == ["The amnesty of 1953"]
    assert found(search(client, course, '"amnesty')) == ["The amnesty of 1953"]


def test_an_empty_query_shows_just_the_form(client, course):
    PostFactory(course=course, title="The amnesty of 1953")
    response = client.get(search_url(course))
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert soup.select_one("form[role=search] input#search-q")["value"] == ""
    assert not soup.select(".search-result") and not soup.select(".search-count")


def test_the_search_box_keeps_what_was_typed(client, course):
    response = search(client, course, 'gulag "the thaw"')
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("input#search-q")["value"] == 'gulag "the thaw"'
    label = soup.select_one("label[for=search-q]")
    assert label and label.get_text(strip=True)


def test_a_too_long_query_is_refused_with_a_message(client, course):
    PostFactory(course=course, title="The amnesty of 1953")
    response = search(client, course, "amnesty " * 700)
    soup = BeautifulSoup(response.content, "html.parser")
    assert "longer than 200 characters" in soup.select_one("#search-error").get_text()
    assert not soup.select(".search-result")


def test_no_results_suggests_what_to_try(client, course):
    CategoryFactory(course=course, name="Sources", slug="sources")
    PostFactory(course=course, title="The amnesty of 1953")
    text = " ".join(search(client, course, 'gulag "amnesty of 1954"').content.decode().split())
    assert "0 results for" in text
    assert "check the spelling" in text
    assert "use fewer words" in text
    assert "drop the quotes" in text
    assert reverse("posts:category", kwargs={"course_slug": course.slug, "slug": "sources"}) in text
    one_word = " ".join(search(client, course, "kolkhoz").content.decode().split())
    assert "use fewer words" not in one_word and "drop the quotes" not in one_word


def test_searches_are_rate_limited_per_reader(client, course, student, settings):
    settings.RATE_LIMITS = {"search": [(60, 2)]}
    PostFactory(course=course, title="The amnesty of 1953")
    assert search(client, course, "amnesty").status_code == 200
    assert search(client, course, "amnesty").status_code == 200
    refused = search(client, course, "amnesty")
    assert refused.status_code == 429
    assert "searched many times in a minute" in refused.content.decode()
    assert client.get(search_url(course)).status_code == 200  # the empty form is never counted
    client.force_login(student)  # another reader: counted apart
    assert search(client, course, "amnesty").status_code == 200


def test_a_post_is_refused_as_a_method(client, course, student):
    client.force_login(student)
    assert client.post(search_url(course), {"q": "amnesty"}).status_code == 405


def test_course_pages_carry_the_search_box(client, course):
    response = client.get(reverse("posts:front", kwargs={"course_slug": course.slug}))
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.select_one(".course-banner form[role=search]")
    assert form["action"] == search_url(course) and form.get("method", "get").lower() == "get"
    field = form.select_one("input[name=q]")
    assert soup.select_one(f"label[for={field['id']}]").get_text(strip=True)
    assert form.select_one("button[type=submit]").get_text(strip=True) == "Search"


def test_results_are_not_kept_in_the_anonymous_page_cache(client, course, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    PostFactory(course=course, title="The amnesty of 1953")
    assert "X-Page-Cache" not in search(client, course, "amnesty")
    PostFactory(course=course, title="Another amnesty")
    assert len(found(search(client, course, "amnesty"))) == 2


def test_words_past_the_tenth_are_not_searched_and_the_page_says_so(client, course):
    PostFactory(course=course, title="One two three four five six seven eight nine ten")
    response = search(client, course, "one two three four five six seven eight nine ten eleven twelve")
    assert found(response) == ["One two three four five six seven eight nine ten"]
    assert "Only the first 10 words and phrases were searched." in response.content.decode()
