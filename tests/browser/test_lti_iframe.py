"""An LTI launch inside the LMS's iframe: the learner lands logged in on the course, in the frame."""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import CourseFactory, InstructorFactory
from tests.lti.platform import CLIENT_ID, CONTEXT_ID, DEPLOYMENT_ID, SimulatedPlatform

pytestmark = pytest.mark.browser


@pytest.fixture
def lms():
    platform = SimulatedPlatform().start()
    yield platform
    platform.stop()


def test_learner_launch_inside_the_lms_iframe_lands_logged_in_on_the_course(
    page, live_server, lms, browser_errors
):
    from lti import keys
    from lti.models import CourseLink, Deployment, Platform

    keys.key_create()
    platform = Platform.objects.create(
        name="Simulated LMS",
        issuer=lms.issuer,
        client_id=CLIENT_ID,
        auth_login_url=lms.auth_login_url,
        auth_token_url=lms.token_url,
        key_set_url=lms.key_set_url,
    )
    Deployment.objects.create(platform=platform, deployment_id=DEPLOYMENT_ID)
    course = CourseFactory(slug="soviet-history", title="Soviet History", visibility="members")
    InstructorFactory(course=course)
    CourseLink.objects.create(platform=platform, context_id=CONTEXT_ID, course=course)
    lms.tool_login_url = live_server.url + reverse("lti:login")
    lms.browser_claims = {"sub": "learner-7", "email": "vera@students.example.edu", "name": "Vera"}

    page.goto(f"{lms.base}/course-page")  # another site (127.0.0.1 against localhost): the LMS's page
    expect(page.get_by_role("heading", name="LMS course page")).to_be_visible()
    frame = page.frame_locator("iframe[title=coursesite]")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Soviet History")
    expect(frame.get_by_role("button", name="Log out vera")).to_be_visible()
    # The tool's page really is inside the LMS's frame (not a top-level navigation).
    assert page.url == f"{lms.base}/course-page"
    tool_frame = next(f for f in page.frames if f.url.startswith(live_server.url))
    assert tool_frame.url == live_server.url + course.get_absolute_url()
    # A browser context blocks third-party cookies (as incognito windows do): the session lives in a
    # cookie partitioned under the LMS's site, cross-site and Secure.
    session = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    assert (
        session["sameSite"] == "None"
        and session["secure"]
        and session.get("partitionKey") == "http://127.0.0.1"
    )
    assert browser_errors == []
