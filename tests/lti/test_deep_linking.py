"""Deep linking: an instructor places a course or a prompt in the LMS, answered with a signed JWT."""

import re
from html import unescape

import jwt
import pytest
from django.urls import reverse

from lti.models import CourseLink
from tests.factories import CourseFactory, InstructorFactory, PromptFactory

pytestmark = pytest.mark.django_db


def _verify_with_tool_jwks(client, token, audience):
    jwks = client.get(reverse("lti:jwks")).json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    return jwt.decode(
        token, jwt.algorithms.RSAAlgorithm.from_jwk(key), algorithms=["RS256"], audience=audience
    )


@pytest.fixture
def teacher(soviet_history):
    user = InstructorFactory(course=soviet_history).user
    user.email = "nelson@example.edu"
    user.save()
    return user


def test_instructor_places_a_prompt_and_the_lms_gets_a_signed_link(
    client, launch, lms, soviet_history, teacher, course_link
):
    prompt = PromptFactory(
        course=soviet_history, title="Week 3: the thaw", slug="week-3", comments_required=0
    )
    PromptFactory(course=CourseFactory(), title="Not my prompt")
    picker = launch(build=lms.deep_linking_claims, sub="teacher-1", email="nelson@example.edu")
    assert picker.status_code == 200
    page = picker.content.decode()
    assert "Week 3: the thaw" in page and "Not my prompt" not in page

    answer = client.post(reverse("lti:deep-link"), {"choice": f"prompt:{prompt.pk}"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'action="{lms.deep_link_return_url}"' in html
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', html).group(1))
    claims = _verify_with_tool_jwks(client, token, audience=lms.issuer)
    assert claims["iss"] == course_link.platform.client_id
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-opaque-data"
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Week 3: the thaw"
    assert item["url"].endswith(reverse("lti:launch"))
    assert item["custom"] == {"coursesite_prompt": "week-3"}
    assert item["lineItem"]["scoreMaximum"] == 10 and item["lineItem"]["resourceId"] == f"prompt-{prompt.pk}"
    # The page may post its form to the LMS, and to nowhere else.
    policy = answer["Content-Security-Policy"]
    assert f"form-action 'self' {lms.base}" in policy

    again = client.post(reverse("lti:deep-link"), {"choice": f"prompt:{prompt.pk}"})
    assert again.status_code == 400  # one answer per placement


def test_placing_a_course_from_an_unlinked_lms_course_links_it(
    client, launch, lms, soviet_history, teacher, platform_row
):
    launch(build=lms.deep_linking_claims, sub="teacher-1", email="nelson@example.edu")
    other = CourseFactory()
    refused = client.post(reverse("lti:deep-link"), {"choice": f"course:{other.pk}"})
    assert refused.status_code == 400 and "a course you teach" in refused.content.decode()
    bad = client.post(reverse("lti:deep-link"), {"choice": "course:xyz"})
    assert bad.status_code == 400
    answer = client.post(reverse("lti:deep-link"), {"choice": f"course:{soviet_history.pk}"})
    assert answer.status_code == 200
    assert CourseLink.objects.get().course == soviet_history


def test_a_learner_cannot_place_links(client, launch, lms, course_link):
    claims = lambda nonce, **kw: lms.deep_linking_claims(  # noqa: E731
        nonce=nonce, **{**kw, "https://purl.imsglobal.org/spec/lti/claim/roles": ["Learner"]}
    )
    response = launch(build=claims)
    assert response.status_code == 403 and "Only the course&#x27;s instructors" in response.content.decode()


def test_deep_link_answer_needs_a_pending_request(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("lti:deep-link"), {"choice": "course:1"})
    assert response.status_code == 400 and "no link placement to finish" in response.content.decode()


@pytest.mark.parametrize("prompts", [1, 12])
def test_the_picker_runs_a_fixed_number_of_queries(
    client, launch, lms, soviet_history, teacher, course_link, prompts, django_assert_num_queries
):
    for n in range(prompts):
        PromptFactory(course=soviet_history, title=f"Prompt {n}")
    launch(build=lms.deep_linking_claims, sub="teacher-1", email="nelson@example.edu")
    from lti.views import _deep_link_page

    request = client.get(reverse("courses:list")).wsgi_request
    request.user = teacher
    with django_assert_num_queries(2):
        _deep_link_page(request, course_link)
