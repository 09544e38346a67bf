"""The site speaks the reader's language: the browser's, or the one the switcher chose."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PostFactory

RUSSIAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def russian(text: str) -> str:
    """The Russian catalogue's words for `text`; a test fails if the catalogue leaves it in English."""
    with translation.override("ru"):
        translated = translation.gettext(text)
    assert translated != text, f"no Russian translation of {text!r}"
    return translated


def front_url(course):
    return reverse("posts:front", kwargs={"course_slug": course.slug})


@pytest.mark.django_db
def test_a_russian_browser_gets_the_site_in_russian(client, course):
    response = client.get(reverse("courses:list"), **RUSSIAN_BROWSER)
    html = response.content.decode()
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru"' in html
    assert russian("Log in") in html and russian("Sign up") in html
    assert ">Log in<" not in html


@pytest.mark.django_db
def test_an_english_browser_and_a_browser_without_a_preference_get_english(client, course):
    for headers in (ENGLISH_BROWSER, {}):
        response = client.get(reverse("courses:list"), **headers)
        assert response["Content-Language"] == "en"
        assert '<html lang="en"' in response.content.decode()
        assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_the_switcher_remembers_the_choice_over_the_browsers(client, course):
    page = front_url(course)
    answer = client.post(reverse("set-language"), {"language": "ru", "next": page}, **ENGLISH_BROWSER)
    assert answer.status_code == 302 and answer["Location"] == page
    assert client.cookies["django_language"].value == "ru"
    assert russian("Log in") in client.get(page, **ENGLISH_BROWSER).content.decode()

    client.post(reverse("set-language"), {"language": "en", "next": page}, **RUSSIAN_BROWSER)
    assert ">Log in<" in client.get(page, **RUSSIAN_BROWSER).content.decode()


@pytest.mark.django_db
def test_every_page_offers_the_switcher_with_the_current_language_pressed(client, course):
    html = client.get(front_url(course), **RUSSIAN_BROWSER).content.decode()
    assert 'action="/language/"' in html
    assert 'value="ru" lang="ru" aria-pressed="true"' in html
    assert 'value="en" lang="en" aria-pressed="false"' in html
    assert f'name="next" value="{front_url(course)}"' in html


@pytest.mark.django_db
def test_the_switcher_never_sends_the_reader_to_another_site_nor_takes_an_unknown_language(client, course):
    answer = client.post(reverse("set-language"), {"language": "ru", "next": "https://elsewhere.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    client.cookies.clear()
    answer = client.post(reverse("set-language"), {"language": "xx", "next": "/"})
    assert answer.status_code == 302 and "django_language" not in answer.cookies


@pytest.mark.django_db
def test_cached_pages_are_kept_per_language(client, settings, course, student):
    settings.ANONYMOUS_PAGE_CACHE = True
    PostFactory(course=course, author=student, title="The kolkhoz letter")
    page = front_url(course)
    english = [client.get(page, **ENGLISH_BROWSER) for _ in range(2)]
    assert english[1]["X-Page-Cache"] == "hit"
    russian_pages = [client.get(page, **RUSSIAN_BROWSER) for _ in range(2)]
    assert russian_pages[0]["X-Page-Cache"] == "miss" and russian_pages[1]["X-Page-Cache"] == "hit"
    for response in russian_pages:
        assert response["Content-Language"] == "ru"
        assert russian("Log in") in response.content.decode()
        assert "The kolkhoz letter" in response.content.decode()
    assert ">Log in<" in client.get(page, **ENGLISH_BROWSER).content.decode()
    cache.clear()


@pytest.mark.django_db
def test_dates_are_written_the_russian_way(client, course, student):
    published = timezone.make_aware(dt.datetime(2026, 11, 3, 12, 0), dt.UTC)
    post = PostFactory(course=course, author=student, published_at=published)
    assert "3 ноября 2026" in client.get(post.get_absolute_url(), **RUSSIAN_BROWSER).content.decode()
    assert "November 3, 2026" in client.get(post.get_absolute_url(), **ENGLISH_BROWSER).content.decode()


@pytest.mark.django_db
def test_the_scripts_get_their_strings_in_the_readers_language(client):
    russian_catalogue = client.get(reverse("javascript-catalog"), **RUSSIAN_BROWSER)
    english_catalogue = client.get(reverse("javascript-catalog"), **ENGLISH_BROWSER)
    assert russian_catalogue.status_code == english_catalogue.status_code == 200
    assert "django.catalog" in russian_catalogue.content.decode()
    # The Russian catalogue carries our scripts' words; the English one needs none.
    assert len(russian_catalogue.content) > len(english_catalogue.content) + 500
