"""Names and Roles: the roster follows the LMS; dropped students lose access, not their posts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Membership
from lti import services
from lti.models import CourseLink, LtiIdentity
from tests.factories import MembershipFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def _member(sub, role="http://purl.imsglobal.org/vocab/lis/v2/membership#Learner", status="Active", **extra):
    return {"user_id": sub, "roles": [role], "status": status, "name": f"Name {sub}", **extra}


@pytest.fixture
def synced_link(course_link, lms):
    course_link.memberships_url = lms.memberships_url
    course_link.save()
    return course_link


def test_roster_sync_joins_new_students_and_drops_those_the_lms_dropped(
    synced_link, lms, soviet_history, client
):
    staying = LtiIdentity.objects.create(
        platform=synced_link.platform, sub="stay", user=MembershipFactory(course=soviet_history).user
    ).user
    dropped = LtiIdentity.objects.create(
        platform=synced_link.platform, sub="gone", user=MembershipFactory(course=soviet_history).user
    ).user
    their_post = PostFactory(course=soviet_history, author=dropped, title="Khrushchev's thaw")
    by_code = MembershipFactory(
        course=soviet_history
    ).user  # joined with the course's code, unknown to the LMS
    lms.members = [
        _member("stay"),
        _member("new-1", email="new1@students.example.edu"),
        _member("inactive", status="Inactive"),
    ]

    result = services.roster_sync(link=synced_link)

    assert result.members == 3 and len(result.joined) == 1 and result.dropped == [dropped.username]
    students = set(Membership.objects.students().filter(course=soviet_history).values_list("user", flat=True))
    new_user = LtiIdentity.objects.get(sub="new-1").user
    assert students == {staying.pk, new_user.pk, by_code.pk}
    assert new_user.email == "new1@students.example.edu" and not new_user.has_usable_password()
    assert not LtiIdentity.objects.filter(sub="inactive").exists()
    # The dropped student's post stays; a members-only course no longer shows itself to them.
    their_post.refresh_from_db()
    assert their_post.author == dropped
    client.force_login(dropped)
    assert client.get(soviet_history.get_absolute_url()).status_code == 404
    synced_link.refresh_from_db()
    assert synced_link.roster_synced_at is not None and synced_link.roster_error == ""
    # The tool really authenticated to the platform with a client assertion.
    assert lms.token_requests and lms.token_requests[0]["grant_type"] == "client_credentials"


def test_roster_sync_never_drops_instructors(synced_link, lms, soviet_history, course_teacher):
    LtiIdentity.objects.create(platform=synced_link.platform, sub="teacher", user=course_teacher)
    lms.members = []
    services.roster_sync(link=synced_link)
    assert Membership.objects.get(course=soviet_history, user=course_teacher).is_instructor


def test_a_platform_that_fails_leaves_the_roster_as_it_was_and_says_why(synced_link, lms, soviet_history):
    MembershipFactory(course=soviet_history)
    synced_link.memberships_url = f"{lms.base}/no-such-roster"
    synced_link.save()
    with pytest.raises(services.SyncFailed):
        services.roster_sync(link=synced_link)
    synced_link.refresh_from_db()
    assert "404" in synced_link.roster_error
    assert Membership.objects.students().filter(course=soviet_history).count() == 1


def test_admin_button_syncs_the_roster(synced_link, lms, soviet_history, client):
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    lms.members = [_member("from-admin")]
    response = client.post(
        reverse("admin:lti_courselink_changelist"),
        {"action": "sync_roster", "_selected_action": [synced_link.pk]},
        follow=True,
    )
    assert "1 joined, 0 dropped" in response.content.decode()
    assert Membership.objects.filter(course=soviet_history, user__lti_identities__sub="from-admin").exists()


def test_admin_scopes_links_to_the_instructors_courses(synced_link, client, course_teacher, other_instructor):
    from courses.services import instructor_grant

    instructor_grant(user=course_teacher)
    instructor_grant(user=other_instructor)
    client.force_login(course_teacher)
    assert client.get(reverse("admin:lti_courselink_change", args=[synced_link.pk])).status_code == 200
    assert client.get(reverse("admin:lti_platform_changelist")).status_code == 403  # superusers only
    client.force_login(other_instructor)
    assert client.get(reverse("admin:lti_courselink_change", args=[synced_link.pk])).status_code in (302, 404)
    assert CourseLink.objects.count() == 1


def test_an_archived_course_keeps_the_roster_the_term_left(synced_link, lms, soviet_history):
    stays = MembershipFactory(course=soviet_history)
    soviet_history.archived_at = timezone.now()
    soviet_history.save()
    lms.members = []
    synced_link.refresh_from_db()
    with pytest.raises(services.SyncFailed, match="archived"):
        services.roster_sync(link=synced_link)
    assert Membership.objects.filter(pk=stays.pk).exists()
    assert not lms.token_requests  # the LMS was not even asked
