from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.factories import CourseFactory, InstructorFactory
from tests.lti.platform import CLIENT_ID, CONTEXT_ID, DEPLOYMENT_ID, SimulatedPlatform


@pytest.fixture
def lms():
    platform = SimulatedPlatform().start()
    yield platform
    platform.stop()


@pytest.fixture
def tool_key(db):
    from lti import keys

    return keys.key_create()


@pytest.fixture
def platform_row(lms, tool_key):
    from lti.models import Deployment, Platform

    lms.tool_jwks = {"keys": [tool_key.public_jwk]}
    platform = Platform.objects.create(
        name="Simulated LMS",
        issuer=lms.issuer,
        client_id=CLIENT_ID,
        auth_login_url=lms.auth_login_url,
        auth_token_url=lms.token_url,
        key_set_url=lms.key_set_url,
    )
    Deployment.objects.create(platform=platform, deployment_id=DEPLOYMENT_ID)
    return platform


@pytest.fixture
def soviet_history(db):
    return CourseFactory(slug="soviet-history", title="Soviet History", visibility="members")


@pytest.fixture
def course_teacher(soviet_history):
    return InstructorFactory(course=soviet_history, display_name="Nelson").user


@pytest.fixture
def course_link(platform_row, soviet_history, course_teacher):
    from lti.models import CourseLink

    return CourseLink.objects.create(
        platform=platform_row, context_id=CONTEXT_ID, context_title="HIST 101", course=soviet_history
    )


def login_initiation(client, lms, *, secure=False, **params):
    """The platform's third-party login: the tool answers with a redirect carrying state and nonce."""
    query = {
        "iss": lms.issuer,
        "login_hint": "hint-1",
        "target_link_uri": "x",
        "client_id": CLIENT_ID,
        **params,
    }
    response = client.get(reverse("lti:login"), query, secure=secure)
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == lms.auth_login_url
    sent = {k: v[0] for k, v in parse_qs(location.query).items()}
    return sent["state"], sent["nonce"]


def post_launch(client, token, state, *, secure=False):
    return client.post(reverse("lti:launch"), {"id_token": token, "state": state}, secure=secure)


@pytest.fixture
def launch(client, lms):
    """Run a whole launch: login initiation, then the id_token signed for the nonce the tool gave."""

    def _launch(*, secure=False, build=None, **claims):
        state, nonce = login_initiation(client, lms, secure=secure)
        body = (build or lms.claims)(nonce=nonce, **claims)
        token = lms.sign(body)
        response = post_launch(client, token, state, secure=secure)
        response.lti = {"state": state, "nonce": nonce, "token": token}
        return response

    return _launch
