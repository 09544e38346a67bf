"""The account page: a name per course, the address, the password, email choices and feeds."""

import pytest
from django.urls import reverse

from courses.models import Course, Membership
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, PostFactory, UserFactory

from .conftest import ACCOUNT, soup

pytestmark = pytest.mark.django_db


def name_url(course):
    return reverse("account:display-name", kwargs={"course_slug": course.slug})


def field_name(membership):
    return f"course-{membership.course_id}-display_name"


def name_inputs(response):
    return {i["name"]: i.get("value", "") for i in soup(response).select("input[name$=display_name]")}


@pytest.fixture
def reader():
    user = UserFactory(username="ann", email="ann@example.edu")
    MembershipFactory(user=user, course=CourseFactory(title="Soviet History"), display_name="Ann A.")
    InstructorFactory(user=user, course=CourseFactory(title="Archives"), display_name="Dr Archer")
    return user


def test_the_page_needs_a_login(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_shows_names_address_and_links(client, reader):
    client.force_login(reader)
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    memberships = Membership.objects.filter(user=reader)
    assert name_inputs(page) == {field_name(m): m.display_name for m in memberships}
    text = " ".join(soup(page).get_text().split())
    assert "Your address is ann@example.edu." in text
    assert "Archives Instructor" in text and "Soviet History Student" in text
    links = {a["href"] for a in soup(page).find_all("a")}
    for name in (
        "password_change",
        "comments:notification-settings",
        "coursework:email-settings",
        "feeds:account",
        "privacy:my-data",
    ):
        assert reverse(name) in links, name


def test_the_navigation_leads_to_the_account_page(client, reader):
    client.force_login(reader)
    nav = soup(client.get(reverse("courses:list"))).find("nav", attrs={"aria-label": "Site"})
    assert nav.find("a", string="Account")["href"] == ACCOUNT


def test_changing_a_name_shows_it_on_the_readers_posts(client, reader):
    membership = Membership.objects.get(user=reader, course__title="Soviet History")
    post = PostFactory(course=membership.course, author=reader)
    client.force_login(reader)
    response = client.post(
        name_url(membership.course), {field_name(membership): "  Comrade Ann  "}, follow=True
    )
    assert "Your name in Soviet History is now Comrade Ann." in response.content.decode()
    membership.refresh_from_db()
    assert membership.display_name == "Comrade Ann"
    assert "Comrade Ann" in client.get(post.get_absolute_url()).content.decode()
    other = Membership.objects.get(user=reader, course__title="Archives")
    assert other.display_name == "Dr Archer"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "it cannot be empty"), ("   ", "it cannot be empty"), ("x" * 81, "80 characters or fewer")],
)
def test_a_blank_or_too_long_name_is_refused_and_nothing_is_lost(client, reader, typed, message):
    membership = Membership.objects.get(user=reader, course__title="Soviet History")
    other = Membership.objects.get(user=reader, course__title="Archives")
    client.force_login(reader)
    response = client.post(name_url(membership.course), {field_name(membership): typed})
    assert response.status_code == 400
    assert message in response.content.decode()
    inputs = name_inputs(response)
    assert inputs[field_name(other)] == "Dr Archer"
    if typed.strip():
        assert inputs[field_name(membership)] == typed  # what was typed, to shorten
    membership.refresh_from_db()
    assert membership.display_name == "Ann A."


def test_a_name_of_80_characters_is_kept(client, reader):
    membership = Membership.objects.get(user=reader, course__title="Soviet History")
    client.force_login(reader)
    assert client.post(name_url(membership.course), {field_name(membership): "y" * 80}).status_code == 302
    membership.refresh_from_db()
    assert membership.display_name == "y" * 80


def test_only_a_member_has_a_name_in_a_course(client, reader):
    client.force_login(reader)
    public = CourseFactory()
    members_only = CourseFactory(visibility=Course.Visibility.MEMBERS)
    assert client.post(name_url(public), {f"course-{public.pk}-display_name": "Me"}).status_code == 403
    assert client.post(name_url(members_only), {"x": "Me"}).status_code == 404
    assert (
        client.post(reverse("account:display-name", kwargs={"course_slug": "no-such"}), {}).status_code == 404
    )
    assert client.get(name_url(public)).status_code == 405


def test_a_reader_without_courses_is_pointed_to_join_one(client):
    client.force_login(UserFactory())
    page = client.get(ACCOUNT)
    assert soup(page).find("a", string="Join one with its code.")["href"] == reverse("courses:join")
