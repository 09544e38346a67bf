"""The course's accent colour: a setting in the course admin that the course's pages are drawn in."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from core.cache import course_version
from courses.models import Course
from courses.services import instructor_grant
from tests.factories import CourseFactory, InstructorFactory


def form_data(page) -> dict:
    """What the admin change form would send back untouched, as a browser builds it."""
    form = BeautifulSoup(page.content.decode(), "html.parser").find("form", id="course_form")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.text.lstrip("\n")
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


@pytest.fixture
def teaching(db):
    course = CourseFactory(title="Soviet History", slug="soviet-history")
    instructor = InstructorFactory(course=course).user
    instructor_grant(user=instructor)
    return course, instructor


@pytest.mark.django_db
def test_a_new_course_is_crimson():
    assert CourseFactory().accent == Course.Accent.CRIMSON == "crimson"


def test_the_choices_are_the_seven_colours_by_their_class_names():
    assert Course.Accent.values == ["crimson", "blue", "green", "purple", "ochre", "teal", "slate"]
    assert Course.Accent.TEAL.label == "Teal"


def test_the_instructor_chooses_the_accent_in_the_course_admin_beside_the_description(client, teaching):
    course, instructor = teaching
    client.force_login(instructor)
    url = reverse("admin:courses_course_change", args=[course.pk])
    page = client.get(url)
    form = BeautifulSoup(page.content.decode(), "html.parser").find("form", id="course_form")
    names = [field["name"] for field in form.select("fieldset [name]") if not field["name"].startswith("_")]
    assert names.index("accent") == names.index("description") + 1
    offered = [option["value"] for option in form.find("select", attrs={"name": "accent"}).find_all("option")]
    assert offered == Course.Accent.values
    assert "The colour of the course's pages." in page.content.decode()

    data = form_data(page)
    data["accent"] = "teal"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    course.refresh_from_db()
    assert course.accent == "teal"


def test_an_accent_that_is_not_one_of_the_colours_is_refused_and_the_form_kept(client, teaching):
    course, instructor = teaching
    client.force_login(instructor)
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = form_data(client.get(url))
    data["accent"] = "#ff0000"
    data["title"] = "Soviet History, retitled"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert 'value="Soviet History, retitled"' in response.content.decode()
    course.refresh_from_db()
    assert (course.accent, course.title) == ("crimson", "Soviet History")


def test_changing_the_accent_makes_the_courses_cached_pages_stale(teaching, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    course, _ = teaching
    before = course_version(course.slug)
    course.accent = Course.Accent.SLATE
    course.save()
    assert course_version(course.slug) != before
