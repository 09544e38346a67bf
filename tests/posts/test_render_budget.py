"""Text that is slow to parse cannot keep a server busy: each render is bounded, and each writer's."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from posts.models import Post
from tests.factories import MembershipFactory

PREVIEW = reverse("posts:preview")
# Markdown parsing is superlinear on unclosed image brackets: these 100,000 characters take seconds.
SLOW = "![" * 50_000


def write_url(course):
    return reverse("posts:write", kwargs={"course_slug": course.slug})


def test_a_preview_of_text_that_is_slow_to_parse_is_stopped_with_a_message(member_client):
    started = time.process_time()
    response = member_client.post(PREVIEW, {"content": SLOW})
    spent = time.process_time() - started
    assert response.status_code == 400
    assert "takes too long to format" in response.content.decode()
    assert spent < 2.5  # stopped at its 1 s of CPU, not run to its end


def test_saving_text_that_is_slow_to_parse_is_refused_and_the_text_kept(member_client, course):
    response = member_client.post(write_url(course), {"title": "Brackets", "body": SLOW, "action": "draft"})
    assert response.status_code == 400
    assert "takes too long to format" in response.content.decode()
    assert response.context["form"]["body"].value() == SLOW
    assert not Post.objects.filter(title="Brackets").exists()


def test_each_writer_has_a_budget_of_rendering_time(member_client, course, settings):
    settings.RATE_LIMITS = {"render-ms": ((60, 100),)}
    middling = "![" * 2_000  # some tens of milliseconds each
    answers = [member_client.post(PREVIEW, {"content": middling}).status_code for _ in range(40)]
    assert answers[0] == 200
    assert 429 in answers  # the budget ran out...
    classmate = Client()
    classmate.force_login(MembershipFactory(course=course).user)
    assert classmate.post(PREVIEW, {"content": "Just **fine**."}).status_code == 200  # ...for that one


@pytest.mark.parametrize("text", ["A *short* essay.", "x" * 90_000])
def test_ordinary_text_previews_as_before(member_client, text):
    assert member_client.post(PREVIEW, {"content": text}).status_code == 200
