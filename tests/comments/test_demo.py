"""The demo: the seed post's four responses, a reply thread, a held comment; safe to run twice."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from comments.demo import HELD_POST_TITLE, THREAD_POST_TITLE
from comments.models import Comment
from posts.demo import SEED_SLUG, SEED_TITLE
from posts.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent


def test_seed_post_shows_its_four_responses_numbered(client, demo):
    post = Post.objects.get(slug=SEED_SLUG)
    response = client.get(post.get_absolute_url())
    section = BeautifulSoup(response.content, "html.parser").find(id="comments")
    assert section.find("h2").get_text(strip=True) == f"4 Responses to {SEED_TITLE}"
    items = section.find("ol", class_="comment-list").find_all("li", recursive=False)
    names = [li.find(class_="fn").get_text(strip=True) for li in items]
    assert names == ["cpurvis2", "rkw15", "A. Nelson", "jslattery"]
    assert "Instructor" in items[2].get_text()
    assert (
        "Wonderful post. There’s something funny about the Sovetskaya Litva citation." in items[2].get_text()
    )
    assert section.find(id="respond").find("h2").get_text(strip=True) == "Leave a Reply"


def test_demo_has_a_thread_two_levels_deep_and_one_held_comment(demo):
    assert Comment.objects.filter(depth=3, status=Comment.Status.APPROVED).count() == 1
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1
    # The comments demo's own three posts (the week's demo discusses other posts of last week).
    assert (
        Comment.objects.filter(post__title__in=[SEED_TITLE, THREAD_POST_TITLE, HELD_POST_TITLE]).count() == 8
    )
    assert Post.objects.get(slug=SEED_SLUG).comment_count == 4
