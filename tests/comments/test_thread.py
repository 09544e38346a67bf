"""The comment section in pieces (comments/thread.py): how they are joined, what is rendered per request."""

import datetime
from collections import Counter

import pytest
from django.test import Client
from django.test.signals import template_rendered

from comments import permissions
from comments.forms import CommentForm
from comments.thread import CommentHTML, FormHTML, SectionHTML, _render_shared, join
from tests.factories import CommentFactory, MembershipFactory


@pytest.fixture(autouse=True)
def caching_on(settings):
    settings.ANONYMOUS_PAGE_CACHE = True


class Parts:
    """A reader whose controls and token say where they went."""

    def controls(self, comment):
        return f"[own {comment.pk}]"

    def token(self):
        return "[token]"


def comment_html(pk, *replies):
    now = datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC)
    return CommentHTML(pk, 7, "approved", now, "", "", f"<{pk}>", f"</{pk} body>", replies, f"</{pk}>")


def test_join_puts_the_readers_controls_in_each_comment_and_the_token_in_the_form():
    section = SectionHTML(
        start="<section>",
        comments=(comment_html(1, comment_html(2)), comment_html(3)),
        middle="<home>",
        form=FormHTML("<form>", "</form>", takes_token=True),
        end="</home></section>",
        pending_authors=frozenset(),
    )
    assert join(section, Parts()) == (
        "<section>"
        "<1>[own 1]</1 body><2>[own 2]</2 body></2></1>"
        "<3>[own 3]</3 body></3>"
        "<home><form>[token]</form></home></section>"
    )


def test_a_section_without_a_form_asks_for_no_token():
    class NoToken(Parts):
        def token(self):
            raise AssertionError("no form, so no token")

    closed = FormHTML("<p>Log in", "</p>", takes_token=False)
    section = SectionHTML("<s>", (), "", closed, "</s>", frozenset())
    assert join(section, NoToken()) == "<s><p>Log in</p></s>"


def test_the_shared_pieces_hold_no_token_and_nobodys_controls(post):
    writer = MembershipFactory(course=post.course).user
    CommentFactory(post=post, author=writer, body="Mine, just now.")
    CommentFactory(post=post, body="Someone else's.")
    access = permissions.comment_access(writer, post)
    section = _render_shared(post, access, True, CommentForm)

    def strings(comments):
        for c in comments:
            yield from (c.before, c.after, c.end)
            yield from strings(c.replies)

    shared = "".join((section.start, *strings(section.comments), section.middle, section.end))
    shared += section.form.before + section.form.after
    assert "Mine, just now." in shared
    assert "csrfmiddlewaretoken" not in shared
    assert "your comment" not in shared


def test_a_page_from_the_cache_renders_only_the_readers_own_controls_and_token(post):
    writer = MembershipFactory(course=post.course).user
    CommentFactory.create_batch(9, post=post)
    CommentFactory(post=post, author=writer)
    CommentFactory.create_batch(9, post=post)
    CommentFactory(post=post, author=writer)
    client = Client()
    client.force_login(writer)
    url = post.get_absolute_url()
    client.get(url)  # fills the cache
    rendered = Counter()

    def count(sender, template, **kwargs):
        rendered[template.name] += 1

    template_rendered.connect(count)
    try:
        assert client.get(url).status_code == 200
    finally:
        template_rendered.disconnect(count)
    pieces = {name: n for name, n in rendered.items() if name and name.startswith("comments/includes/")}
    assert pieces == {"comments/includes/_own_actions.html": 2, "comments/includes/_csrf_input.html": 1}
