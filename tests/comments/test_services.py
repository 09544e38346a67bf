"""What the comment services do while they hold the post's row lock.

On SQLite that lock is the database's one write lock: whatever a writer does
while holding it, every other writer of the site waits for. Rendering Markdown
is the slow part of a comment and needs no lock, so it happens before.
"""

import pytest
from django.db import transaction

from comments import models, services

# Transactional: outside the service's own transaction.atomic() no transaction is open,
# so `in_atomic_block` tells the lock's inside from its outside.
pytestmark = pytest.mark.django_db(transaction=True)

BODY = "A **bold** claim, with [a source](https://example.org/source)."


@pytest.fixture
def renders(monkeypatch):
    """For each rendering of a comment's Markdown (Comment.render_body(), which the services
    and save() call), whether a transaction was open at the time."""
    seen = []
    real = models.render_comment_markdown

    def recording(text):
        seen.append(transaction.get_connection().in_atomic_block)
        return real(text)

    monkeypatch.setattr(models, "render_comment_markdown", recording)
    return seen


def test_a_new_comment_is_rendered_before_the_post_is_locked(post, trusted_member, renders):
    comment = services.comment_create(post=post, author=trusted_member, body=BODY)
    assert renders[0] is False  # what the moderation rules read
    assert renders.count(False) == 1
    comment.refresh_from_db()
    assert "<strong>bold</strong>" in comment.body_html
    assert comment.is_approved


def test_an_edit_is_rendered_before_the_post_is_locked(post, trusted_member, renders):
    comment = services.comment_create(post=post, author=trusted_member, body="First version")
    renders.clear()
    services.comment_edit(comment=comment, body=BODY, by=trusted_member)
    assert renders[0] is False  # what the link hold reads
    assert renders.count(False) == 1
    comment.refresh_from_db()
    assert "<strong>bold</strong>" in comment.body_html


def test_an_edit_that_adds_a_link_farm_is_still_held(post, trusted_member):
    comment = services.comment_create(post=post, author=trusted_member, body="Innocent")
    links = " ".join(f"[{n}](https://spam{n}.example)" for n in range(3))
    services.comment_edit(comment=comment, body=links, by=trusted_member)
    comment.refresh_from_db()
    assert comment.is_pending


def test_nothing_is_rendered_inside_the_lock(post, trusted_member, renders):
    comment = services.comment_create(post=post, author=trusted_member, body="First version")
    services.comment_edit(comment=comment, body=BODY, by=trusted_member)
    assert True not in renders


def test_moderating_a_comment_renders_nothing(post, member, instructor, renders):
    comment = services.comment_create(post=post, author=member, body=BODY)  # a first comment: held
    renders.clear()
    services.comment_approve(comment=comment, by=instructor)
    services.comment_remove(comment=models.Comment.objects.get(pk=comment.pk), by=instructor)
    assert renders == []
