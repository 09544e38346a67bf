"""An invitation from a roster, as the invited student meets it: the course, Accept, Decline."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from courses import services
from courses.models import Course, Invitation, Membership
from tests.factories import CourseFactory, InstructorFactory, UserFactory

COURSES = reverse("courses:list")


@pytest.fixture
def seminar(db):
    return CourseFactory(
        title="Closed Seminar", visibility=Course.Visibility.MEMBERS, description="Readings."
    )


@pytest.fixture
def invitation(seminar):
    instructor = InstructorFactory(course=seminar).user
    student = UserFactory(username="liwei")
    return Invitation.objects.create(course=seminar, user=student, display_name="Li", invited_by=instructor)


def test_the_invited_student_sees_the_course_and_accepts(client, invitation, seminar):
    client.force_login(invitation.user)
    assert client.get(seminar.get_absolute_url()).status_code == 404  # not a member yet
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Closed Seminar" in text and "Readings." in text
    assert "Accept and join" in text and "Decline" in text
    response = client.post(invitation.get_absolute_url(), {"answer": "accept", "display_name": "Wei L."})
    assert response["Location"] == seminar.get_absolute_url()
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert "You are a member of Closed Seminar." in landing.content.decode()
    membership = Membership.objects.get(course=seminar, user=invitation.user)
    assert (membership.role, membership.display_name) == ("student", "Wei L.")
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.answered_at is not None


def test_accepting_twice_makes_one_membership(client, invitation, seminar):
    client.force_login(invitation.user)
    client.post(invitation.get_absolute_url(), {"answer": "accept"})
    response = client.post(invitation.get_absolute_url(), {"answer": "accept"}, follow=True)
    assert "You already answered this invitation" in response.content.decode()
    assert Membership.objects.filter(course=seminar, user=invitation.user).count() == 1
    assert Membership.objects.get(course=seminar, user=invitation.user).display_name == "Li"
    with pytest.raises(services.InvitationAnswered):
        services.invitation_accept(invitation=invitation, by=invitation.user)


def test_declining_leaves_the_student_out(client, invitation, seminar):
    client.force_login(invitation.user)
    response = client.post(invitation.get_absolute_url(), {"answer": "decline"})
    assert response["Location"] == COURSES
    assert "You declined the invitation to Closed Seminar." in client.get(COURSES).content.decode()
    assert not Membership.objects.filter(course=seminar, user=invitation.user).exists()
    assert client.get(seminar.get_absolute_url()).status_code == 404
    assert "You declined this invitation" in client.get(invitation.get_absolute_url()).content.decode()


def test_an_answer_that_is_neither_is_refused_and_keeps_what_was_typed(client, invitation):
    client.force_login(invitation.user)
    response = client.post(invitation.get_absolute_url(), {"answer": "maybe", "display_name": "Typed name"})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert "Choose Accept or Decline." in page.get_text()
    assert page.find("input", attrs={"name": "display_name"})["value"] == "Typed name"
    assert not Membership.objects.filter(user=invitation.user).exists()


def test_an_invitation_is_a_404_to_everyone_but_the_invited_account(client, invitation, seminar):
    url = invitation.get_absolute_url()
    assert client.get(url)["Location"].startswith(reverse("login"))
    for someone in (UserFactory(), InstructorFactory(course=seminar).user):
        client.force_login(someone)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "accept"}).status_code == 404
        assert not Membership.objects.filter(course=seminar, user=someone, role="student").exists()
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"


def test_the_course_list_shows_open_invitations(client, invitation):
    client.force_login(invitation.user)
    page = BeautifulSoup(client.get(COURSES).content, "html.parser")
    link = page.select_one(".invitations a")
    assert link["href"] == invitation.get_absolute_url()
    assert link.get_text(strip=True) == "Closed Seminar"
    client.post(invitation.get_absolute_url(), {"answer": "accept"})
    page = BeautifulSoup(client.get(COURSES).content, "html.parser")
    assert page.select_one(".invitations") is None


def test_one_open_invitation_per_course_and_account(invitation):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(course=invitation.course, user=invitation.user, display_name="Again")
    services.invitation_decline(invitation=invitation, by=invitation.user)
    Invitation.objects.create(
        course=invitation.course, user=invitation.user, display_name="Again"
    )  # a new ask


def test_the_course_list_runs_the_same_queries_for_1_and_20_invitations(client, invitation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(invitation.user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(COURSES).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(19):
        Invitation.objects.create(course=CourseFactory(), user=invitation.user, display_name="Li")
    assert queries() == one
