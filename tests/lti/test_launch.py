"""LTI 1.3 launches from a simulated platform: who gets in, where they land, and what is refused."""

import base64
import json
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from courses.models import Membership
from lti.models import CourseLink, LtiIdentity, ResourceLink
from tests.factories import CourseFactory, InstructorFactory, PromptFactory, UserFactory
from tests.lti.conftest import login_initiation, post_launch
from tests.lti.platform import CLAIM, CLIENT_ID, INSTRUCTOR, TEACHING_ASSISTANT, _rsa_pem

User = get_user_model()
pytestmark = pytest.mark.django_db


def _logged_in_user(client):
    return client.get(reverse("courses:list")).wsgi_request.user


# --- Keys ---------------------------------------------------------------------------------------


def test_lti_keys_command_makes_rotates_and_jwks_publishes(client):
    from io import StringIO

    out = StringIO()
    call_command("lti_keys", stdout=out)
    assert "Made the tool's key" in out.getvalue()
    first = client.get(reverse("lti:jwks")).json()["keys"]
    assert len(first) == 1 and first[0]["kty"] == "RSA" and "d" not in first[0]  # never the private part

    call_command("lti_keys", "--rotate", "--dry-run", stdout=StringIO())
    assert client.get(reverse("lti:jwks")).json()["keys"] == first

    call_command("lti_keys", "--rotate", stdout=StringIO())
    published = [key["kid"] for key in client.get(reverse("lti:jwks")).json()["keys"]]
    assert len(published) == 2 and first[0]["kid"] in published  # the old key stays a while

    import time_machine

    with time_machine.travel(time.time() + 8 * 86400):
        later = [key["kid"] for key in client.get(reverse("lti:jwks")).json()["keys"]]
    assert len(later) == 1 and first[0]["kid"] not in later


# --- Who gets in, where they land ---------------------------------------------------------------


def test_learner_launch_joins_soviet_history_and_lands_on_its_front(
    client, launch, course_link, soviet_history
):
    response = launch(sub="learner-42", email="ada@students.example.edu")
    assert response.status_code == 302
    assert response["Location"] == soviet_history.get_absolute_url()
    user = _logged_in_user(client)
    assert user.is_authenticated and not user.has_usable_password()
    assert user.email == "ada@students.example.edu"
    membership = Membership.objects.get(course=soviet_history, user=user)
    assert membership.role == Membership.Role.STUDENT and membership.display_name == "Ada Student"
    assert LtiIdentity.objects.get(sub="learner-42").user == user
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Soviet History" in page.content.decode()


def test_second_launch_finds_the_same_account_by_sub(client, launch, course_link):
    launch(sub="learner-42")
    first = _logged_in_user(client)
    client.logout()
    launch(sub="learner-42", email="changed@example.edu")
    assert _logged_in_user(client) == first
    assert User.objects.filter(lti_identities__sub="learner-42").count() == 1


def test_launch_matches_an_existing_account_by_email_but_never_a_superuser(client, launch, course_link):
    existing = UserFactory(username="kpeters", email="kpeters@example.edu")
    launch(sub="s-1", email="KPeters@example.edu")
    assert _logged_in_user(client) == existing
    client.logout()
    UserFactory(username="root", email="root@example.edu", is_superuser=True, is_staff=True)
    launch(sub="s-2", email="root@example.edu")
    made = _logged_in_user(client)
    assert made.username != "root" and not made.is_superuser and made.email == ""  # one account per address


@pytest.mark.parametrize("role", [INSTRUCTOR, TEACHING_ASSISTANT])
def test_instructor_launch_joins_as_instructor_and_syncs_the_roster(
    client, launch, course_link, soviet_history, lms, role, django_capture_on_commit_callbacks
):
    lms.members = [
        {"user_id": "teacher-1", "roles": [role], "status": "Active", "name": "T", "email": "t@example.edu"},
        {
            "user_id": "learner-9",
            "roles": ["Learner"],
            "status": "Active",
            "name": "Nine",
            "email": "n@example.edu",
        },
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = launch(sub="teacher-1", roles=(role,), email="t@example.edu")
    assert response["Location"] == soviet_history.get_absolute_url()
    user = _logged_in_user(client)
    assert Membership.objects.get(course=soviet_history, user=user).role == Membership.Role.INSTRUCTOR
    assert user.is_staff  # into the admin, scoped to the courses they teach
    nine = LtiIdentity.objects.get(sub="learner-9").user
    assert Membership.objects.get(course=soviet_history, user=nine).role == Membership.Role.STUDENT
    course_link.refresh_from_db()
    assert course_link.memberships_url == lms.memberships_url and course_link.roster_synced_at


def test_a_placement_pointing_to_a_prompt_lands_on_the_prompt(client, launch, course_link, soviet_history):
    prompt = PromptFactory(course=soviet_history, slug="week-3-khrushchev")
    custom = {"coursesite_prompt": "week-3-khrushchev"}
    response = launch(
        **{CLAIM + "custom": custom, CLAIM + "resource_link": {"id": "rl-prompt", "title": "W3"}}
    )
    assert response["Location"] == prompt.get_absolute_url()
    assert ResourceLink.objects.get(resource_link_id="rl-prompt").prompt == prompt
    client.logout()
    again = launch(sub="other", **{CLAIM + "resource_link": {"id": "rl-prompt"}})  # the placement remembers
    assert again["Location"] == prompt.get_absolute_url()


def test_a_placement_cannot_lead_to_another_courses_prompt(client, launch, course_link, soviet_history):
    PromptFactory(course=CourseFactory(), slug="elsewhere")
    response = launch(**{CLAIM + "custom": {"coursesite_prompt": "elsewhere"}})
    assert response["Location"] == soviet_history.get_absolute_url()


def test_unlinked_course_learner_gets_a_clear_page(client, launch, platform_row):
    response = launch(sub="learner-1")
    assert response.status_code == 409
    assert "Ask your instructor to open the coursesite link" in response.content.decode()
    assert not Membership.objects.exists()


def test_unlinked_course_instructor_links_one_of_their_courses(client, launch, platform_row, soviet_history):
    teacher = InstructorFactory(course=soviet_history).user
    teacher.email = "nelson@example.edu"
    teacher.save()
    other_course = CourseFactory(title="Not mine")
    response = launch(sub="teacher-1", roles=(INSTRUCTOR,), email="nelson@example.edu")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Soviet History" in page and "Not mine" not in page

    refused = client.post(reverse("lti:link-course"), {"course": other_course.pk})
    assert refused.status_code == 400 and "Choose one of the courses you teach" in refused.content.decode()
    bad = client.post(reverse("lti:link-course"), {"course": "not-a-number"})
    assert bad.status_code == 400

    linked = client.post(reverse("lti:link-course"), {"course": soviet_history.pk})
    assert linked.status_code == 302 and linked["Location"] == soviet_history.get_absolute_url()
    link = CourseLink.objects.get()
    assert link.course == soviet_history and link.linked_by == teacher
    again = client.post(reverse("lti:link-course"), {"course": soviet_history.pk})
    assert again.status_code == 400  # the pending launch was used


def test_link_course_needs_the_users_own_pending_launch(client, platform_row, soviet_history):
    teacher = InstructorFactory(course=soviet_history).user
    client.force_login(teacher)
    response = client.post(reverse("lti:link-course"), {"course": soviet_history.pk})
    assert response.status_code == 400 and "no LMS launch to link" in response.content.decode()
    assert client.get(reverse("lti:link-course")).status_code == 405


def test_an_unknown_role_is_refused(client, launch, course_link):
    response = launch(roles=("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",))
    assert response.status_code == 403
    assert "role in this LMS course is not one coursesite knows" in response.content.decode()
    assert not _logged_in_user(client).is_authenticated


# --- Refusals -----------------------------------------------------------------------------------


def _assert_refused(client, response, status, words):
    page = response.content.decode()
    assert response.status_code == status, page
    assert words in page
    assert "What to tell your LMS administrator" in page
    assert not _logged_in_user(client).is_authenticated
    assert not LtiIdentity.objects.exists()


def test_a_replayed_launch_is_refused(client, launch, course_link):
    first = launch()
    assert first.status_code == 302
    client.logout()
    replay = post_launch(client, first.lti["token"], first.lti["state"])
    page = replay.content.decode()
    assert replay.status_code == 403 and "This launch was used already" in page
    assert not _logged_in_user(client).is_authenticated


def test_a_tampered_token_is_refused(client, lms, course_link):
    state, nonce = login_initiation(client, lms)
    header, payload, signature = lms.sign(lms.claims(nonce=nonce)).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims[CLAIM + "roles"] = [INSTRUCTOR]  # a learner making themself an instructor
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    response = post_launch(client, f"{header}.{forged}.{signature}", state)
    _assert_refused(client, response, 403, "signature is not valid")


def test_a_token_signed_by_another_key_is_refused(client, lms, course_link):
    state, nonce = login_initiation(client, lms)
    token = lms.sign(lms.claims(nonce=nonce), key_pem=_rsa_pem())  # same kid, someone else's key
    _assert_refused(client, post_launch(client, token, state), 403, "signature is not valid")


def test_an_unknown_deployment_is_refused(client, launch, course_link):
    response = launch(**{CLAIM + "deployment_id": "someone-elses-deployment"})
    _assert_refused(client, response, 403, "deployment of coursesite is not registered")


def test_an_expired_token_is_refused(client, launch, course_link):
    now = int(time.time())
    response = launch(iat=now - 900, exp=now - 600)
    _assert_refused(client, response, 403, "This launch has expired")


@pytest.mark.parametrize(
    "audience",
    ["another-tool", [CLIENT_ID, "another-tool"]],  # with several audiences, azp must name us
)
def test_a_wrong_audience_is_refused(client, launch, course_link, audience):
    response = launch(aud=audience)
    status = 403
    words = "meant for another tool"
    if isinstance(audience, str):
        # Another client id has no registration: refused before the signature is looked at.
        words = "not registered with coursesite"
    _assert_refused(client, response, status, words)


def test_several_audiences_with_azp_naming_us_are_accepted(client, launch, course_link):
    response = launch(aud=["another-tool", CLIENT_ID], azp=CLIENT_ID)
    assert response.status_code == 302


def test_a_bad_state_is_refused(client, lms, course_link):
    _, nonce = login_initiation(client, lms)
    token = lms.sign(lms.claims(nonce=nonce))
    _assert_refused(
        client, post_launch(client, token, "state-not-ours"), 400, "could not be matched to this browser"
    )


def test_a_launch_from_another_browser_is_refused(client, lms, course_link):
    from django.test import Client

    state, nonce = login_initiation(client, lms)
    other_browser = Client()  # has no state cookie
    response = post_launch(other_browser, lms.sign(lms.claims(nonce=nonce)), state)
    assert response.status_code == 400 and "could not be matched to this browser" in response.content.decode()


def test_a_nonce_the_tool_never_issued_is_refused(client, lms, course_link):
    state, _ = login_initiation(client, lms)
    token = lms.sign(lms.claims(nonce="made-up-nonce"))
    _assert_refused(client, post_launch(client, token, state), 403, "used already")


def test_a_missing_token_and_garbage_are_refused_not_500(client, lms, course_link):
    state, _ = login_initiation(client, lms)
    missing = client.post(reverse("lti:launch"), {"state": state})
    assert missing.status_code == 400 and "missing its sign-in data" in missing.content.decode()
    garbage = client.post(reverse("lti:launch"), {"state": state, "id_token": "not.a.jwt"})
    assert garbage.status_code == 400 and "not a valid token" in garbage.content.decode()
    assert client.get(reverse("lti:launch")).status_code == 405


def test_an_unknown_platform_is_refused_at_login(client, lms, platform_row):
    response = client.get(reverse("lti:login"), {"iss": "https://lms.unknown.example", "login_hint": "x"})
    assert response.status_code == 403 and "not registered with coursesite" in response.content.decode()
    no_hint = client.get(reverse("lti:login"), {"iss": lms.issuer})
    assert no_hint.status_code == 400


def test_without_a_tool_key_the_login_says_so(client, db):
    response = client.get(reverse("lti:login"), {"iss": "https://lms.example", "login_hint": "x"})
    assert response.status_code == 503 and "manage.py lti_keys" in response.content.decode()


@pytest.mark.parametrize("courses", [1, 15])
def test_the_link_page_runs_a_fixed_number_of_queries(
    client, launch, platform_row, soviet_history, courses, django_assert_num_queries
):
    teacher = InstructorFactory(course=soviet_history).user
    for _ in range(courses - 1):
        InstructorFactory(course=CourseFactory(), user=teacher)
    teacher.email = "nelson@example.edu"
    teacher.save()
    launch(sub="teacher-1", roles=(INSTRUCTOR,), email="nelson@example.edu")
    with django_assert_num_queries(8):  # the same however many courses the instructor teaches
        response = client.post(reverse("lti:link-course"), {"course": "none"})
    assert response.status_code == 400 and response.content.decode().count('name="course"') == courses


def test_an_unsigned_token_is_refused(client, lms, course_link):
    state, nonce = login_initiation(client, lms)

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    unsigned = f"{part({'alg': 'none', 'kid': lms.kid})}.{part(lms.claims(nonce=nonce))}."
    _assert_refused(client, post_launch(client, unsigned, state), 403, "signature is not valid")
