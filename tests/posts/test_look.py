"""What the look puts in every page's markup: a description per page, the language, the course's colour."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from tests.factories import AwardFactory, CourseFactory, MembershipFactory, PostFactory


def page(url, user=None, status=200, **headers):
    client = Client(**headers)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


def descriptions(soup) -> list[str]:
    return [tag["content"] for tag in soup.head.find_all("meta", attrs={"name": "description"})]


def test_the_front_page_describes_the_course(course):
    course.description = "Seventeen moments of Soviet history, read in primary sources."
    course.save()
    assert descriptions(page(course.get_absolute_url())) == [course.description]


def test_a_front_page_without_a_description_names_the_course_and_term(db):
    course = CourseFactory(title="Soviet History", term="Fall 2014", description="")
    (description,) = descriptions(page(course.get_absolute_url()))
    assert description.startswith("Soviet History, Fall 2014: the course blog")


def test_a_members_only_front_page_has_no_description(members_only_course):
    member = MembershipFactory(course=members_only_course).user
    soup = page(members_only_course.get_absolute_url(), user=member)
    assert descriptions(soup) == []
    assert soup.head.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_a_post_page_is_described_by_the_post_alone(course, student):
    post = PostFactory(course=course, author=student, body="Novy Mir printed Ivan Denisovich in 1962.")
    assert descriptions(page(post.get_absolute_url())) == ["Novy Mir printed Ivan Denisovich in 1962."]


def test_the_hall_of_fame_and_the_editor_have_their_own_descriptions(course, student, instructor):
    AwardFactory(post=PostFactory(course=course, author=student), given_by=instructor)
    (hall,) = descriptions(page(reverse("awards:hall-of-fame", args=[course.slug])))
    assert hall.startswith(f"The hall of fame of {course.title}:")
    (editor,) = descriptions(page(reverse("posts:write", args=[course.slug]), user=student))
    assert editor.startswith(f"Write a post for {course.title}:")
    (front,) = descriptions(page(course.get_absolute_url()))
    assert len({hall, editor, front}) == 3


def test_editing_a_post_names_it_in_the_description(course, student):
    post = PostFactory(course=course, author=student, title="The Thaw in Print")
    (description,) = descriptions(page(post.get_edit_url(), user=student))
    assert description.startswith("Editing “The Thaw in Print” in")


def test_other_pages_get_a_description_too(course, student):
    for url in (reverse("courses:list"), reverse("login"), reverse("courses:join")):
        (description,) = descriptions(page(url, user=student if url == reverse("courses:join") else None))
        assert description
    (not_found,) = descriptions(page("/no-such-page/", status=404))
    assert not_found.startswith("This page does not exist")


def test_the_page_says_its_language(course):
    assert page(reverse("courses:list")).html["lang"] == "en"
    russian = page(reverse("courses:list"), HTTP_ACCEPT_LANGUAGE="ru")
    assert russian.html["lang"] == "ru"


@pytest.mark.parametrize("accent", ["crimson", "teal", "slate"])
def test_every_page_of_a_course_carries_its_colour(accent, course, student):
    course.accent = accent
    course.save()
    post = PostFactory(course=course, author=student)
    for url in (
        course.get_absolute_url(),
        post.get_absolute_url(),
        reverse("awards:hall-of-fame", args=[course.slug]),
        reverse("coursework:prompts", args=[course.slug]),
    ):
        assert page(url).body["class"] == [f"accent-{accent}"], url


def test_pages_without_a_course_carry_no_course_colour(db):
    assert not page(reverse("courses:list")).body.get("class")


def test_the_script_translations_load_only_on_pages_that_run_scripts(course, student):
    catalogue = reverse("javascript-catalog")

    def loads_catalogue(soup):
        return any(script.get("src") == catalogue for script in soup.find_all("script"))

    post = PostFactory(course=course, author=student)
    assert loads_catalogue(page(reverse("posts:write", args=[course.slug]), user=student))
    assert loads_catalogue(page(post.get_absolute_url()))
    assert not loads_catalogue(page(course.get_absolute_url()))
    assert not loads_catalogue(page(reverse("courses:list")))


def test_the_footer_offers_both_languages(db):
    switcher = page(reverse("courses:list")).find("footer").find("form", class_="language-switcher")
    assert [button["value"] for button in switcher.find_all("button")] == ["en", "ru"]
