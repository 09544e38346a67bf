"""Accounts and courses as people meet them: sign up with a code, join, log in, reset, see courses."""

import html
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.forms import JoinCourseForm, SignUpForm
from courses.models import Course, Membership
from courses.services import course_rotate_join_code
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, PostFactory, UserFactory

User = get_user_model()
PASSWORD = "pass-for-tests-1"
SIGN_UP = reverse("courses:sign-up")
JOIN = reverse("courses:join")
COURSES = reverse("courses:list")


def sign_up_data(course, **overrides):
    return {
        "username": "newstudent",
        "email": "newstudent@example.edu",
        "password1": "a-Long-passphrase-42",
        "password2": "a-Long-passphrase-42",
        "display_name": "Sasha P.",
        "join_code": course.join_code,
        **overrides,
    }


def field_values(response):
    page = BeautifulSoup(response.content, "html.parser")
    return {i["name"]: i.get("value", "") for i in page.find_all("input") if i.get("type") != "hidden"}


def errors_of(response):
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(ul.get_text(" ", strip=True) for ul in page.find_all("ul", class_="errorlist"))


def rotate_url(course):
    return reverse("courses:rotate-join-code", kwargs={"course_slug": course.slug})


def front(course):
    return reverse("posts:front", kwargs={"course_slug": course.slug})


# --- Sign up and join ---------------------------------------------------------------------


def test_sign_up_with_a_join_code_lands_on_the_course(client, course):
    page = client.get(SIGN_UP, {"code": course.join_code})
    assert field_values(page)["join_code"] == course.join_code
    response = client.post(SIGN_UP, sign_up_data(course))
    assert response.status_code == 302
    assert response["Location"] == front(course)
    user = User.objects.get(username="newstudent")
    membership = Membership.objects.get(user=user)
    assert (membership.course, membership.role, membership.display_name) == (
        course,
        Membership.Role.STUDENT,
        "Sasha P.",
    )
    landing = client.get(response["Location"]).content.decode()
    assert f"Welcome to {course.title}." in landing
    assert "Log out newstudent" in landing
    assert "Write a post" in landing


def test_sign_up_code_is_forgiving_about_case_and_spaces(client, course):
    response = client.post(SIGN_UP, sign_up_data(course, join_code=f"  {course.join_code.lower()} "))
    assert response.status_code == 302
    assert Membership.objects.filter(course=course, user__username="newstudent").exists()


def test_sign_up_to_a_members_only_course_opens_it(client, members_only_course):
    assert client.get(front(members_only_course)).status_code == 404
    client.post(SIGN_UP, sign_up_data(members_only_course))
    assert client.get(front(members_only_course)).status_code == 200


def test_sign_up_with_a_wrong_code_creates_nothing_and_keeps_what_was_typed(client, course):
    users = User.objects.count()
    response = client.post(SIGN_UP, sign_up_data(course, join_code="WRONG123"))
    assert response.status_code in (200, 400)
    assert "That join code does not match any course." in errors_of(response)
    assert User.objects.count() == users
    assert not Membership.objects.exists()
    values = field_values(response)
    assert values["username"] == "newstudent"
    assert values["email"] == "newstudent@example.edu"
    assert values["display_name"] == "Sasha P."
    assert values["join_code"] == "WRONG123"
    assert "_auth_user_id" not in client.session


def test_sign_up_with_a_taken_username_is_refused(client, course):
    """A username is unique, so a taken one is told (at the sign-up limit's pace, tests/core)."""
    UserFactory(username="taken", email="taken@example.edu")
    response = client.post(SIGN_UP, sign_up_data(course, username="taken"))
    assert "already exists" in errors_of(response)
    assert field_values(response)["email"] == "newstudent@example.edu"
    assert not Membership.objects.exists()


def _landing(client, response):
    """What the visitor sees after a sign-up: where they land, as whom, and the message."""
    page = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    return (response.status_code, response["Location"], page.find(role="status").get_text(" ", strip=True))


def test_sign_up_with_an_email_that_has_an_account_looks_like_any_other(
    client, course, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """Which addresses have accounts is not told; the address's owner is emailed instead.

    It used to answer "An account with this email exists", a free look-up of anyone's address.
    """
    settings.SITE_URL = "https://blog.example.edu"
    owner = UserFactory(username="olga", email="olga@example.edu")
    owner_password = owner.password
    with django_capture_on_commit_callbacks(execute=True):
        fresh = client.post(SIGN_UP, sign_up_data(course, username="first", email="first@example.edu"))
    fresh_landing = _landing(client, fresh)
    client.post(reverse("logout"))
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(SIGN_UP, sign_up_data(course, username="second", email="OLGA@example.edu"))
    assert _landing(client, taken) == fresh_landing  # the same redirect, the same welcome
    assert client.session["_auth_user_id"] == str(User.objects.get(username="second").pk)

    # The address stays with its account: the new one does not get it, and olga's is untouched.
    assert User.objects.get(username="second").email == ""
    assert User.objects.get(username="first").email == "first@example.edu"
    owner.refresh_from_db()
    assert (owner.email, owner.password) == ("olga@example.edu", owner_password)
    assert User.objects.filter(email__iexact="olga@example.edu").count() == 1

    # One email to each address typed: a welcome, and for olga a word on what happened.
    assert [m.to for m in mailoutbox] == [["first@example.edu"], ["olga@example.edu"]]
    notice = mailoutbox[1]
    assert "Someone tried to sign up with your address" in notice.subject
    assert "“olga”" in notice.body and "“second”" in notice.body
    assert "https://blog.example.edu/accounts/login/" in notice.body
    assert "https://blog.example.edu/accounts/password_reset/" in notice.body
    assert "first" not in notice.body


def test_sign_up_with_the_address_of_a_roster_account_sends_its_owner_the_set_password_link(
    client, course, mailoutbox, django_capture_on_commit_callbacks
):
    """ "Forgot password" ignores an account that never had a password: the notice carries the link."""
    owner = UserFactory(username="fresh", email="fresh@example.edu")
    owner.set_unusable_password()
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_UP, sign_up_data(course, username="other", email="fresh@example.edu"))
    assert mailoutbox[0].to == ["fresh@example.edu"]
    assert "/accounts/reset/" in mailoutbox[0].body


@pytest.fixture
def rotated_after_checking(monkeypatch, course):
    """The instructor rotates the code between the form's check and the enrolment."""

    def patch(form_class):
        original = form_class.clean_join_code

        def clean_then_rotate(form):
            code = original(form)
            course_rotate_join_code(course=course)
            return code

        monkeypatch.setattr(form_class, "clean_join_code", clean_then_rotate)

    return patch


def test_sign_up_when_the_code_is_rotated_meanwhile(client, course, rotated_after_checking):
    rotated_after_checking(SignUpForm)
    response = client.post(SIGN_UP, sign_up_data(course))
    assert response.status_code == 200
    assert "That join code does not match any course." in errors_of(response)
    assert field_values(response)["username"] == "newstudent"
    assert not User.objects.filter(username="newstudent").exists()


def test_join_when_the_code_is_rotated_meanwhile(client, course, outsider, rotated_after_checking):
    rotated_after_checking(JoinCourseForm)
    client.force_login(outsider)
    response = client.post(JOIN, {"join_code": course.join_code, "display_name": "Quiet Reader"})
    assert response.status_code == 200
    assert "That join code does not match any course." in errors_of(response)
    assert not Membership.objects.filter(user=outsider).exists()


def test_sign_up_when_logged_in_goes_to_join(client, student):
    client.force_login(student)
    response = client.get(SIGN_UP)
    assert response.status_code == 302
    assert response["Location"] == JOIN


def test_join_while_logged_in(client, outsider):
    course = CourseFactory(visibility=Course.Visibility.MEMBERS)
    client.force_login(outsider)
    assert client.get(front(course)).status_code == 404
    page = client.get(JOIN, {"code": course.join_code})
    assert field_values(page)["join_code"] == course.join_code
    response = client.post(JOIN, {"join_code": course.join_code, "display_name": "Quiet Reader"})
    assert response.status_code == 302
    assert response["Location"] == front(course)
    membership = Membership.objects.get(user=outsider)
    assert (membership.course, membership.role, membership.display_name) == (
        course,
        Membership.Role.STUDENT,
        "Quiet Reader",
    )
    landing = client.get(front(course))
    assert landing.status_code == 200
    assert f"You are a member of {course.title}." in landing.content.decode()


def test_joining_twice_keeps_one_membership(client, course, student):
    client.force_login(student)
    client.post(JOIN, {"join_code": course.join_code, "display_name": "Another name"})
    assert Membership.objects.filter(course=course, user=student).count() == 1


def test_join_with_a_wrong_code(client, outsider):
    client.force_login(outsider)
    response = client.post(JOIN, {"join_code": "NOPE2345", "display_name": "Quiet Reader"})
    assert "That join code does not match any course." in errors_of(response)
    assert field_values(response)["display_name"] == "Quiet Reader"
    assert not Membership.objects.exists()


def test_join_needs_login(client, db):
    response = client.get(JOIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Rotating the join code ---------------------------------------------------------------


def test_instructor_rotates_the_join_code(client, course, instructor):
    old = course.join_code
    client.force_login(instructor)
    page = client.get(front(course)).content.decode()
    assert old in page
    response = client.post(rotate_url(course))
    assert response.status_code == 302
    assert response["Location"] == front(course)
    course.refresh_from_db()
    assert course.join_code != old
    landing = client.get(response["Location"]).content.decode()
    assert f"The new join code is {course.join_code}." in landing
    # The old code no longer lets anyone in; the new one does.
    client.logout()
    refused = client.post(SIGN_UP, sign_up_data(course, join_code=old))
    assert "That join code does not match any course." in errors_of(refused)
    assert client.post(SIGN_UP, sign_up_data(course, join_code=course.join_code)).status_code == 302
    assert Membership.objects.filter(course=course, user__username="newstudent").exists()


def test_student_cannot_rotate_the_join_code(client, course, student):
    old = course.join_code
    client.force_login(student)
    assert old not in client.get(front(course)).content.decode()
    response = client.post(rotate_url(course))
    assert response.status_code == 403
    assert "Only the course's instructors can change its join code." in html.unescape(
        response.content.decode()
    )
    course.refresh_from_db()
    assert course.join_code == old


@pytest.mark.parametrize(("visibility", "expected"), [("public", 403), ("members", 404)])
def test_other_instructor_cannot_rotate_the_join_code(client, other_instructor, visibility, expected):
    course = CourseFactory(visibility=visibility)
    old = course.join_code
    client.force_login(other_instructor)
    assert client.post(rotate_url(course)).status_code == expected
    course.refresh_from_db()
    assert course.join_code == old


def test_anonymous_rotation_goes_to_login(client, course):
    old = course.join_code
    response = client.post(rotate_url(course))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    course.refresh_from_db()
    assert course.join_code == old


def test_rotation_needs_post(client, course, instructor):
    old = course.join_code
    assert client.get(rotate_url(course)).status_code == 405
    client.force_login(instructor)
    assert client.get(rotate_url(course)).status_code == 405
    course.refresh_from_db()
    assert course.join_code == old


# --- Log in, log out, passwords -----------------------------------------------------------


def test_log_in_and_out(client, student):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    response = client.post(reverse("login"), {"username": student.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == student.memberships.get().course.get_absolute_url()  # their one course
    assert f"Log out {student.username}" in client.get(COURSES).content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Log out" not in client.get(COURSES).content.decode()


def test_log_in_follows_next(client, course, student):
    write = reverse("posts:write", kwargs={"course_slug": course.slug})
    redirect = client.get(write)
    assert redirect.status_code == 302
    login_page = client.get(redirect["Location"])
    next_input = BeautifulSoup(login_page.content, "html.parser").find("input", attrs={"name": "next"})
    assert next_input["value"] == write
    response = client.post(
        reverse("login"), {"username": student.username, "password": PASSWORD, "next": write}
    )
    assert response["Location"] == write


def test_log_in_never_redirects_off_site(client, student):
    response = client.post(
        reverse("login"),
        {"username": student.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == student.memberships.get().course.get_absolute_url()  # their one course


def test_wrong_password_is_refused_with_a_message(client, student):
    response = client.post(reverse("login"), {"username": student.username, "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert field_values(response)["username"] == student.username
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client, student):
    client.force_login(student)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_password_change(client, student):
    client.force_login(student)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-pass-77",
            "new_password2": "Another-long-pass-77",
        },
    )
    assert response.status_code == 302
    assert "Your password has been changed." in client.get(response["Location"]).content.decode()
    client.logout()
    assert client.login(username=student.username, password="Another-long-pass-77")


def test_password_change_with_a_wrong_old_password(client, student):
    client.force_login(student)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "Another-long-pass-77",
            "new_password2": "Another-long-pass-77",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in errors_of(response)
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


def test_password_reset_by_email(client, student, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": student.email})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [student.email]
    assert student.username in message.body
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    # Django swaps the token for a session marker and redirects to the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Reset-pass-phrase-9", "new_password2": "Reset-pass-phrase-9"}
    )
    assert done.status_code == 302
    assert "Your new password is set." in client.get(done["Location"]).content.decode()
    assert client.login(username=student.username, password="Reset-pass-phrase-9")
    # The link works once.
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "This reset link has expired or was already used." in again


def test_password_reset_for_an_unknown_email_sends_nothing(client, db, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.edu"})
    assert response.status_code == 302
    assert mailoutbox == []


# --- Which courses a person sees ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 404), ("outsider", 404), ("other_instructor", 404), ("member", 200), ("instructor", 200)],
)
def test_members_only_course_is_404_for_non_members(client, db, who, expected):
    course = CourseFactory(visibility=Course.Visibility.MEMBERS, title="Hidden Seminar")
    post = PostFactory(course=course, title="Hidden essay")
    people = {
        "outsider": lambda: UserFactory(),
        "other_instructor": lambda: InstructorFactory(course=CourseFactory()).user,
        "member": lambda: MembershipFactory(course=course).user,
        "instructor": lambda: InstructorFactory(course=course).user,
    }
    if who != "anonymous":
        client.force_login(people[who]())
    for url in (front(course), post.get_absolute_url(), post.category.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == expected, url
        assert ("Hidden Seminar" in response.content.decode()) == (expected == 200)


def test_course_list_shows_public_courses_to_everyone_and_members_only_ones_to_members(client, db):
    CourseFactory(title="Open Lectures", visibility=Course.Visibility.PUBLIC)
    seminar = CourseFactory(title="Closed Seminar", visibility=Course.Visibility.MEMBERS)
    CourseFactory(title="Someone Else's Seminar", visibility=Course.Visibility.MEMBERS)

    def titles():
        page = BeautifulSoup(client.get(COURSES).content, "html.parser")
        return sorted(h.text.strip() for h in page.select(".course-card h2"))

    assert titles() == ["Open Lectures"]
    client.force_login(UserFactory())
    assert titles() == ["Open Lectures"]
    client.force_login(MembershipFactory(course=seminar).user)
    assert titles() == ["Closed Seminar", "Open Lectures"]
    page = BeautifulSoup(client.get(COURSES).content, "html.parser")
    closed = next(card for card in page.select(".course-card") if "Closed Seminar" in card.text)
    assert "Members only" in closed.text
    client.force_login(UserFactory(is_superuser=True))
    assert titles() == ["Closed Seminar", "Open Lectures", "Someone Else's Seminar"]


def test_course_list_links_to_each_course(client, course):
    page = BeautifulSoup(client.get(COURSES).content, "html.parser")
    assert page.find("a", string=course.title)["href"] == front(course)


def test_course_list_runs_the_same_queries_for_1_and_50_courses(client, db):
    user = UserFactory()
    client.force_login(user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(COURSES).status_code == 200
        return len(captured)

    MembershipFactory(course=CourseFactory(visibility=Course.Visibility.MEMBERS), user=user)
    CourseFactory()
    few = queries()
    for _ in range(25):
        MembershipFactory(course=CourseFactory(visibility=Course.Visibility.MEMBERS), user=user)
        CourseFactory()
    assert queries() == few
