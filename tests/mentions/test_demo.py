"""The demo: rkw15's "Check out Caitlin's post" on the seed post puts it on "The Thaw in Print"."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client

from comments.models import Comment
from mentions.models import Mention
from posts.demo import SEED_SLUG, SEED_TITLE
from posts.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_the_thaw_in_print_shows_rkw15s_comment_on_the_seed_post(demo):
    thaw = Post.objects.get(title__startswith="The Thaw in Print")
    comment = Comment.objects.get(
        post__slug=SEED_SLUG, author__username="rkw15", body__contains="Check out Caitlin"
    )
    page = BeautifulSoup(Client().get(thaw.get_absolute_url()).content, "html.parser")
    section = page.find("section", class_="mentioned-in")
    assert section.find("h2").get_text(strip=True) == "Mentioned in"
    [link] = section.find_all("a")
    assert " ".join(link.get_text().split()) == f"A comment by rkw15 on {SEED_TITLE}"
    assert link["href"] == f"{comment.post.get_absolute_url()}#comment-{comment.pk}"


def test_seeding_again_over_a_database_without_the_mentions_makes_them(demo):
    made = set(Mention.objects.values_list("source_post_id", "source_comment_id", "target_id"))
    assert Mention.objects.filter(source_comment__author__username="rkw15").exists()
    Mention.objects.all().delete()  # as on a site seeded before this app existed
    call_command("seed_demo", verbosity=0)
    assert set(Mention.objects.values_list("source_post_id", "source_comment_id", "target_id")) == made
