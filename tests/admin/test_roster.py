"""Roster import from the course's admin page: all or nothing, errors by row, emails after commit.

An existing account is invited, never enrolled on the instructor's word, and no
error tells of an account outside the instructor's courses.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Invitation, Membership
from courses.roster import MAX_ROWS
from tests.admin.conftest import soup
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, UserFactory

User = get_user_model()


def roster_url(course):
    return reverse("admin:courses_course_roster", args=[course.pk])


def upload(client, course, text, name="roster.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(roster_url(course), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def errors_of(response):
    return [li.get_text(" ", strip=True) for li in soup(response).select(".roster-errors li")]


@pytest.fixture
def instructor_client(client, course_a):
    client.force_login(course_a.instructor)
    return client


def test_page_documents_the_format(instructor_client, course_a):
    response = instructor_client.get(roster_url(course_a.course))
    assert response.status_code == 200
    assert "username,email,display_name" in response.content.decode()


def test_good_file_enrols_everyone_and_emails_new_accounts(
    instructor_client, course_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://blog.example.edu"
    text = "username,email,display_name\nanya,anya@example.edu,Anya K.\nboris,boris@example.edu,\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(instructor_client, course_a.course, text)
    assert response.status_code == 302
    memberships = Membership.objects.filter(course=course_a.course, user__username__in=["anya", "boris"])
    names = {m.user.username: (m.display_name, m.role) for m in memberships}
    assert names["anya"] == ("Anya K.", "student")
    # An empty display name gets a pseudonym, never the username (public pages show the name).
    assert re.fullmatch(r"Student [A-Z0-9]{4}", names["boris"][0]) and names["boris"][1] == "student"
    anya = User.objects.get(username="anya")
    assert not anya.has_usable_password()
    assert sorted(m.to[0] for m in mailoutbox) == ["anya@example.edu", "boris@example.edu"]
    message = next(m for m in mailoutbox if m.to == ["anya@example.edu"])
    assert course_a.course.title in message.subject
    link = re.search(r"https://blog\.example\.edu(/accounts/reset/\S+)", message.body).group(1)

    # The link lets the student choose a password, then log in with it.
    instructor_client.logout()
    form_page = instructor_client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = instructor_client.post(
        set_url, {"new_password1": "a-long-new-password-9", "new_password2": "a-long-new-password-9"}
    )
    assert done.status_code == 302
    assert instructor_client.login(username="anya", password="a-long-new-password-9")


def test_success_message_counts_what_happened(instructor_client, course_a):
    UserFactory(username="olga", email="olga@example.edu")
    text = "username,email,display_name\nolga,olga@example.edu,Olga\nnew1,new1@example.edu,New One\n"
    response = upload(instructor_client, course_a.course, text)
    page = instructor_client.get(response["Location"])
    assert "1 new account(s) created" in page.content.decode()
    assert "1 existing account(s) invited (they join when they accept)" in page.content.decode()


def test_bad_rows_import_nothing_and_are_listed_by_row(instructor_client, course_a, mailoutbox):
    text = (
        "username,email,display_name\n"
        "good1,good1@example.edu,Good One\n"
        "bad user!,bad@example.edu,Bad\n"
        "good2,not-an-email,Good Two\n"
        "short,short@example.edu\n"
    )
    response = upload(instructor_client, course_a.course, text)
    assert response.status_code == 400
    errors = errors_of(response)
    assert [e.split(":")[0] for e in errors] == ["Row 3", "Row 4", "Row 5"]
    assert "not-an-email" in errors[1]
    assert "expected 3 columns" in errors[2]
    assert not User.objects.filter(username__in=["good1", "good2"]).exists()
    assert mailoutbox == []


def test_existing_user_is_invited_not_enrolled_nor_duplicated(
    instructor_client, course_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """It used to enrol the account at once: anyone's, on the instructor's word."""
    settings.SITE_URL = "https://blog.example.edu"
    existing = UserFactory(username="kpeters", email="KPeters@example.edu")
    existing_password = existing.password
    text = "username,email,display_name\nkpeters,kpeters@example.edu,K. Peters\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(instructor_client, course_a.course, text).status_code == 302
    assert User.objects.filter(username__iexact="kpeters").count() == 1
    assert not Membership.objects.filter(course=course_a.course, user=existing).exists()
    invitation = Invitation.objects.get(course=course_a.course, user=existing)
    assert (invitation.status, invitation.display_name, invitation.invited_by) == (
        "pending",
        "K. Peters",
        course_a.instructor,
    )
    existing.refresh_from_db()
    assert existing.password == existing_password  # their password is not touched
    [message] = mailoutbox
    assert message.to == ["KPeters@example.edu"]
    assert course_a.course.title in message.subject
    link = re.search(r"https://blog\.example\.edu(/invitations/\d+/)", message.body).group(1)

    # She logs in, sees the course and accepts: then, and only then, she is a member.
    instructor_client.logout()
    instructor_client.force_login(existing)
    page = instructor_client.get(link)
    assert course_a.course.title in page.content.decode()
    response = instructor_client.post(link, {"answer": "accept", "display_name": ""})
    assert response.status_code == 302
    membership = Membership.objects.get(course=course_a.course, user=existing)
    assert (membership.display_name, membership.role) == ("K. Peters", "student")


def test_existing_member_is_not_enrolled_twice(instructor_client, course_a):
    member = MembershipFactory(course=course_a.course, user=UserFactory(username="again"), display_name="Old")
    text = "username,email,display_name\nagain,again@example.edu,New name\n"
    upload(instructor_client, course_a.course, text)
    assert Membership.objects.filter(course=course_a.course, user=member.user).count() == 1


def test_existing_user_of_your_courses_with_other_email_is_an_error(instructor_client, course_a):
    second = CourseFactory(title="Second section")
    InstructorFactory(course=second, user=course_a.instructor)
    MembershipFactory(course=second, user=UserFactory(username="vera", email="vera@example.edu"))
    text = "username,email,display_name\nnewbie,newbie@example.edu,N\nvera,someone-else@example.edu,Vera\n"
    response = upload(instructor_client, course_a.course, text)
    assert response.status_code == 400
    assert errors_of(response) == [
        "Row 3: the account “vera” in your courses has another email address. "
        "Correct the email, or choose another username."
    ]
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("elsewhere", ["in a members-only course", "in no course"])
def test_a_taken_username_outside_your_courses_tells_nothing_of_the_account(
    instructor_client, course_a, course_b, elsewhere
):
    """It used to say "the account “vera” exists with another email": an address and an account confirmed."""
    vera = UserFactory(username="vera", email="vera@example.edu")
    if elsewhere == "in a members-only course":
        course_b.course.visibility = "members"
        course_b.course.save()
        MembershipFactory(course=course_b.course, user=vera, display_name="Vera of B")
    text = "username,email,display_name\nnewbie,newbie@example.edu,N\nVERA,someone-else@example.edu,Vera\n"
    response = upload(instructor_client, course_a.course, text)
    assert response.status_code == 400
    # A username is unique, so a taken one cannot be given: that much is unavoidable, and all it says.
    assert errors_of(response) == [
        "Row 3: the username “VERA” is not available for a new account. Choose another one; "
        "if the student already has an account, give the email address it uses."
    ]
    page = response.content.decode()
    for secret in ("vera@example.edu", "exists", course_b.course.title, "Vera of B"):
        assert secret not in page
    assert not User.objects.filter(username="newbie").exists()


def test_the_email_of_an_account_invites_that_account(
    instructor_client, course_a, mailoutbox, django_capture_on_commit_callbacks
):
    """It used to refuse the row with "IVAN@example.edu is the email of another account": a look-up."""
    ivan = UserFactory(username="ivan", email="ivan@example.edu")
    text = "username,email,display_name\nivan2,IVAN@example.edu,Ivan\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(instructor_client, course_a.course, text)
    assert response.status_code == 302
    page = instructor_client.get(response["Location"]).content.decode()
    assert "1 existing account(s) invited" in page
    assert "ivan”" not in page and "ivan2" not in page  # no account is named
    assert not User.objects.filter(username="ivan2").exists()
    assert Invitation.objects.get(course=course_a.course).user == ivan
    assert [m.to for m in mailoutbox] == [["ivan@example.edu"]]  # the address's owner is told


def test_duplicate_in_the_file_is_an_error(instructor_client, course_a):
    text = (
        "username,email,display_name\n"
        "lena,lena@example.edu,Lena\n"
        "mark,mark@example.edu,Mark\n"
        "Lena,lena2@example.edu,Lena again\n"
        "mark2,MARK@example.edu,Mark two\n"
    )
    response = upload(instructor_client, course_a.course, text)
    assert errors_of(response) == [
        "Row 4: the username “lena” is already on row 2.",
        "Row 5: the email “mark@example.edu” is already on row 3.",
    ]
    assert not User.objects.filter(username__in=["lena", "mark"]).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Upload a .csv file"),
        ("roster.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
        ("roster.csv", "username,email,display_name\nzoë,z@example.edu,Zoë\n".encode("utf-16"), "not a CSV"),
        ("roster.csv", b"name;mail\nx;y\n", "Row 1 must be the header: username,email,display_name"),
        ("roster.csv", b"username,email,display_name\n", "no students"),
    ],
)
def test_non_csv_or_malformed_upload_is_refused_with_a_message(
    instructor_client, course_a, name, data, message
):
    before = User.objects.count()
    response = upload(instructor_client, course_a.course, data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_too_many_rows_is_refused(instructor_client, course_a):
    lines = ["username,email,display_name"] + [f"u{n},u{n}@example.edu," for n in range(MAX_ROWS + 1)]
    response = upload(instructor_client, course_a.course, "\n".join(lines))
    assert response.status_code == 400
    assert f"at most {MAX_ROWS}" in response.content.decode()


def test_byte_order_mark_and_header_case_are_accepted(instructor_client, course_a):
    text = "\ufeffUsername,Email,Display_Name\r\nbom,bom@example.edu,Bom\r\n"
    assert upload(instructor_client, course_a.course, text).status_code == 302
    assert Membership.objects.filter(course=course_a.course, user__username="bom").exists()


def test_other_instructor_cannot_import_into_course(client, course_a, course_b):
    client.force_login(course_b.instructor)
    assert client.get(roster_url(course_a.course)).status_code == 404
    response = upload(client, course_a.course, "username,email,display_name\nx,x@example.edu,X\n")
    assert response.status_code == 404
    assert not User.objects.filter(username="x").exists()


def test_student_cannot_open_the_roster_page(client, course_a):
    client.force_login(course_a.student)
    response = client.get(roster_url(course_a.course))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_import_runs_a_fixed_number_of_queries(instructor_client, course_a):
    """Validation and import are bulk: 3 students cost as many queries as 60."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(prefix, n):
        lines = ["username,email,display_name"] + [f"{prefix}{i},{prefix}{i}@example.edu," for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            assert upload(instructor_client, course_a.course, "\n".join(lines)).status_code == 302
        return len(queries)

    assert run("few", 3) == run("many", 60)


def test_importing_again_sends_a_new_link_to_who_never_set_a_password(
    instructor_client, course_a, mailoutbox, django_capture_on_commit_callbacks
):
    text = "username,email,display_name\nlate,late@example.edu,Late\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload(instructor_client, course_a.course, text)
        response = upload(instructor_client, course_a.course, text)
    assert [m.to for m in mailoutbox] == [["late@example.edu"], ["late@example.edu"]]
    assert "sent a new link" in instructor_client.get(response["Location"]).content.decode()
    assert Membership.objects.filter(user__username="late").count() == 1


def test_format_and_account_errors_are_listed_together_in_row_order(instructor_client, course_a):
    UserFactory(username="kpeters", email="kpeters@example.edu")
    text = "username,email,display_name\nkpeters,other@example.edu,K\nbad user,x@example.edu,X\n"
    errors = errors_of(upload(instructor_client, course_a.course, text))
    assert [e.split(":")[0] for e in errors] == ["Row 2", "Row 3"]
    assert "is not available for a new account" in errors[0]
    assert errors[1].endswith("characters.")  # one full stop, not two


def test_a_student_of_a_members_only_course_is_not_enrolled_by_another_instructor(
    client, course_a, course_b, mailoutbox, django_capture_on_commit_callbacks
):
    """The review's case: nelson's roster named liwei, of chen's members-only course, and enrolled her.

    Now she is invited; until she accepts she is not in the course, so nelson
    cannot make her the author of a post either.
    """
    course_b.course.visibility = "members"
    course_b.course.save()
    liwei = UserFactory(username="liwei", email="liwei@example.edu")
    MembershipFactory(course=course_b.course, user=liwei, display_name="Li Wei")
    client.force_login(course_a.instructor)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, course_a.course, "username,email,display_name\nliwei,liwei@example.edu,Li\n"
        )
    assert response.status_code == 302
    assert not Membership.objects.filter(course=course_a.course, user=liwei).exists()
    assert [m.to for m in mailoutbox] == [["liwei@example.edu"]]
    assert course_b.course.title not in mailoutbox[0].body  # nothing about her other course
    add_page = soup(client.get(reverse("admin:posts_post_add")))
    authors = {o["value"] for o in add_page.select('select[name="author"] option') if o["value"]}
    assert str(course_a.student.pk) in authors
    assert str(liwei.pk) not in authors

    # She declines: nothing changes, and importing her row again asks her again.
    client.force_login(liwei)
    invitation = Invitation.objects.get(user=liwei)
    assert client.post(invitation.get_absolute_url(), {"answer": "decline"}).status_code == 302
    assert not Membership.objects.filter(course=course_a.course, user=liwei).exists()
    assert Invitation.objects.get(pk=invitation.pk).status == "declined"


def test_importing_an_invited_account_again_sends_the_same_invitation(
    instructor_client, course_a, mailoutbox, django_capture_on_commit_callbacks
):
    olga = UserFactory(username="olga", email="olga@example.edu")
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            instructor_client, course_a.course, "username,email,display_name\nolga,olga@example.edu,Olga\n"
        )
        upload(
            instructor_client, course_a.course, "username,email,display_name\nolga,olga@example.edu,O. K.\n"
        )
    invitation = Invitation.objects.get(course=course_a.course, user=olga)  # one, not two
    assert invitation.display_name == "O. K."
    assert [m.to for m in mailoutbox] == [["olga@example.edu"], ["olga@example.edu"]]
    assert mailoutbox[0].body == mailoutbox[1].body  # the same link


def test_an_invited_account_that_never_set_a_password_gets_the_link_to_set_one(
    instructor_client, course_a, mailoutbox, django_capture_on_commit_callbacks
):
    """Made by another course's roster and never used: it could not log in to accept otherwise."""
    quiet = UserFactory(username="quiet", email="quiet@example.edu")
    quiet.set_unusable_password()
    quiet.save()
    with django_capture_on_commit_callbacks(execute=True):
        upload(instructor_client, course_a.course, "username,email,display_name\nquiet,quiet@example.edu,Q\n")
    [message] = mailoutbox
    assert "/accounts/reset/" in message.body
    assert "/invitations/" in message.body


def test_inviting_runs_a_fixed_number_of_queries(instructor_client, course_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(prefix, n):
        for i in range(n):
            UserFactory(username=f"{prefix}{i}", email=f"{prefix}{i}@example.edu")
        lines = ["username,email,display_name"] + [f"{prefix}{i},{prefix}{i}@example.edu," for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            assert upload(instructor_client, course_a.course, "\n".join(lines)).status_code == 302
        return len(queries)

    assert run("few", 3) == run("many", 60)
    assert Invitation.objects.filter(course=course_a.course).count() == 63


def test_a_superuser_is_told_which_account_a_username_belongs_to(client, course_a, superuser):
    UserFactory(username="vera", email="vera@example.edu")
    client.force_login(superuser)
    response = upload(client, course_a.course, "username,email,display_name\nvera,other@example.edu,V\n")
    assert errors_of(response) == [
        "Row 2: the account “vera” has another email address. Correct the email, or choose another username."
    ]
