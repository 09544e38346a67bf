"""Inside the LMS's iframe: cross-site cookies and frame-ancestors for LTI sessions, its platforms only."""

import pytest
from django.conf import settings
from django.urls import reverse

from lti.models import Platform
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_launched_session_cookies_are_cross_site_over_https(client, launch, course_link, lms, soviet_history):
    response = launch(secure=True)
    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["samesite"] == "None" and session_cookie["secure"] is True
    assert "Partitioned" in session_cookie.OutputString()  # kept where third-party cookies are blocked
    assert _frame_ancestors(response) == f"frame-ancestors {lms.base}"
    assert "X-Frame-Options" not in response

    page = client.get(response["Location"], secure=True)
    assert page.status_code == 200
    assert _frame_ancestors(page) == f"frame-ancestors {lms.base}"  # the session's own platform only
    assert "'none'" not in _frame_ancestors(page) and "*" not in _frame_ancestors(page)
    assert "X-Frame-Options" not in page
    csrf = page.cookies.get(settings.CSRF_COOKIE_NAME)
    if csrf is not None:  # set on a page with a form
        assert csrf["samesite"] == "None" and csrf["secure"] is True


def test_the_login_state_cookie_is_cross_site_over_https(client, lms, platform_row):
    response = client.get(
        reverse("lti:login"),
        {"iss": lms.issuer, "login_hint": "x", "client_id": platform_row.client_id},
        secure=True,
    )
    assert response.status_code == 302
    states = [morsel for name, morsel in response.cookies.items() if name.startswith("lti1p3-")]
    assert states and all(m["samesite"] == "None" and m["secure"] is True for m in states)


def test_over_plain_http_cookies_keep_the_default(client, launch, course_link):
    response = launch(secure=False)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["samesite"] == settings.SESSION_COOKIE_SAMESITE and not cookie["secure"]


def test_an_ordinary_session_is_never_framed_nor_cross_site(client, platform_row):
    course = CourseFactory()
    user = UserFactory()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pass-for-tests-1"}, secure=True
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["samesite"] == "Lax"
    page = client.get(course.get_absolute_url(), secure=True)
    assert _frame_ancestors(page) == "frame-ancestors 'none'"
    assert page["X-Frame-Options"] == "DENY"


def test_lti_pages_may_be_framed_by_registered_platforms_only(client, platform_row, lms):
    Platform.objects.create(
        name="Moodle",
        issuer="https://moodle.example.edu",
        client_id="m-1",
        auth_login_url="https://moodle.example.edu/mod/lti/auth.php",
        auth_token_url="https://moodle.example.edu/mod/lti/token.php",
        key_set_url="https://moodle.example.edu/mod/lti/certs.php",
        frame_origins="https://moodle.example.edu\nhttps://moodle2.example.edu/some/path",
    )
    response = client.post(reverse("lti:launch"), {})
    assert response.status_code == 400
    allowed = _frame_ancestors(response).split()[1:]
    assert sorted(allowed) == sorted([lms.base, "https://moodle.example.edu", "https://moodle2.example.edu"])


def test_with_no_platform_lti_pages_are_not_framed(client, db):
    response = client.post(reverse("lti:launch"), {})
    assert _frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
