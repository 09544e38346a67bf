"""Excerpts in lists of posts: whole sentences of the opening prose, nothing run together."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from posts.markdown import excerpt_of, render_post_markdown
from posts.models import Post
from tests.factories import PostFactory


def excerpt(markdown, words=55):
    return excerpt_of(render_post_markdown(markdown), words)


TABLE_POST = """## The camps after Stalin

The amnesty of 1953 emptied the camps of a million prisoners. Most were criminals, not politicals.

| Year | Prisoners |
| ---- | --------- |
| 1953 | 2.5 million |
| 1956 | 0.8 million |

The rest waited for the Secret Speech.
"""


def test_tables_and_headings_never_run_into_the_prose():
    text = excerpt(TABLE_POST)
    assert text == (
        "The amnesty of 1953 emptied the camps of a million prisoners. Most were criminals, not politicals. "
        "The rest waited for the Secret Speech."
    )
    for run_together in ("Year Prisoners", "1953 2.5 million", "Stalin The amnesty"):
        assert run_together not in text


def test_cut_at_the_end_of_the_last_sentence_that_fits():
    body = "One two three four five. Six seven eight nine ten. Eleven twelve thirteen fourteen fifteen."
    assert excerpt(body, words=12) == "One two three four five. Six seven eight nine ten."


def test_abbreviations_are_not_sentence_ends():
    body = "Mr. Khrushchev spoke for four hours. The delegates were silent."
    assert excerpt(body, words=7) == "Mr. Khrushchev spoke for four hours."


def test_a_first_sentence_too_long_is_cut_at_a_word_with_an_ellipsis():
    body = " ".join(["word"] * 80) + "."
    text = excerpt(body, words=10)
    assert text == " ".join(["word"] * 10) + "…"


def test_list_items_are_kept_apart():
    body = "The sources:\n\n- Official speeches\n- Private letters\n- A diary\n\nThen the analysis."
    assert excerpt(body) == "The sources: Official speeches; Private letters; A diary. Then the analysis."


def test_quotes_and_closing_quotation_marks_stay_with_their_sentence():
    body = '> "We shall bury you." He said it in 1956.\n\nThe West heard a threat.'
    assert excerpt(body, words=9) == '"We shall bury you." He said it in 1956.'


def test_figures_footnotes_and_code_stay_out():
    body = (
        '![A fence](/media/posts/fence.png "Fence at the old Gulag | Image retrieved from Wikimedia")\n\n'
        "The camps closed slowly[^1].\n\n```\nprint('code')\n```\n\n[^1]: Applebaum, chapter 24."
    )
    assert excerpt(body) == "The camps closed slowly."


def test_the_front_page_shows_the_new_excerpt(client, db):
    post = PostFactory(body=TABLE_POST)
    page = BeautifulSoup(
        client.get(reverse("posts:front", kwargs={"course_slug": post.course.slug})).content, "html.parser"
    )
    shown = page.find(string=lambda s: s and "The amnesty of 1953" in s)
    assert shown is not None and "Year Prisoners" not in page.get_text(" ")


@pytest.mark.django_db(transaction=True)
def test_the_migration_recomputes_stored_excerpts_and_links():
    post = PostFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([("posts", "0004_image_provenance")])
    executor.loader.build_graph()
    old_post = executor.loader.project_state([("posts", "0004_image_provenance")]).apps.get_model(
        "posts", "Post"
    )
    old_post.objects.filter(pk=post.pk).update(
        body=TABLE_POST + "\n[Up](#the-camps-after-stalin)",
        body_html="<h2>The camps after Stalin</h2><table><tr><td>Year</td></tr></table>",
        excerpt="The camps after Stalin The amnesty... Year Prisoners 1953 2.5 million",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    post = Post.objects.get(pk=post.pk)
    assert "Year Prisoners" not in post.excerpt and post.excerpt.startswith("The amnesty of 1953")
    assert 'href="#user-content-the-camps-after-stalin"' in post.body_html
    assert 'id="user-content-the-camps-after-stalin"' in post.body_html
    assert post.went_live_at == post.published_at  # live already: the tick does not take it for due
