import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction

from comments.models import Comment
from tests.factories import CommentFactory


@pytest.mark.django_db
def test_body_is_rendered_through_the_comment_markdown_profile(post):
    comment = CommentFactory(post=post, body="Read **this** and [that](https://example.org/a).")
    assert "<strong>this</strong>" in comment.body_html
    assert 'href="https://example.org/a"' in comment.body_html
    assert 'rel="nofollow ugc noopener"' in comment.body_html


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "![tracker](https://evil.example/p.gif)",
    "# Shouting heading",
    "Underlined heading\n===",
    '<a href="https://x.example" onclick="steal()">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<p style="position:fixed">cover the page</p>',
    "| a | b |\n|---|---|\n| 1 | 2 |",
]


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markdown_is_neutralised(post, hostile):
    """No script, frame, image, heading or table, no event handler, style or script URL survives."""
    comment = CommentFactory(post=post, body=hostile)
    soup = BeautifulSoup(comment.body_html, "html.parser")
    tags = {tag.name for tag in soup.find_all(True)}
    assert not tags & {"script", "img", "iframe", "h1", "h2", "h3", "table", "style"}
    for tag in soup.find_all(True):
        assert not [name for name in tag.attrs if name.startswith("on") or name == "style"]
        href = tag.get("href", "")
        assert not href.lower().startswith(("javascript:", "data:"))
    # What the student typed is still readable as text.
    assert soup.get_text().strip()


@pytest.mark.django_db
def test_edited_body_is_rendered_again_on_save(post):
    comment = CommentFactory(post=post, body="first")
    comment.body = "*second*"
    comment.save(update_fields=["body"])
    comment.refresh_from_db()
    assert comment.body_html.strip() == "<p><em>second</em></p>"


@pytest.mark.django_db
def test_database_refuses_a_reply_whose_depth_does_not_match(post):
    parent = CommentFactory(post=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(post=post, author=parent.author, parent=parent, depth=1, body="x")


@pytest.mark.django_db
def test_database_refuses_an_empty_or_anonymous_comment(post):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(post=post, author=post.author, body="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(post=post, author=None, guest_name="", body="who wrote this?")


@pytest.mark.django_db
def test_absolute_url_is_the_post_permalink_with_the_comment_anchor(post):
    comment = CommentFactory(post=post)
    assert comment.get_absolute_url() == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert str(comment).endswith(f"on {post.title}")


@pytest.mark.django_db
def test_a_comment_with_replies_cannot_be_deleted_but_the_post_takes_its_thread(post):
    from django.db.models import ProtectedError, RestrictedError

    parent = CommentFactory(post=post)
    CommentFactory(post=post, parent=parent)
    with pytest.raises(RestrictedError):
        parent.delete()
    with pytest.raises(ProtectedError):
        parent.author.delete()  # an account with comments is not deleted silently
    post.delete()
    assert not Comment.objects.exists()
