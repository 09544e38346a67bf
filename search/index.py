"""Keeping the search entries in step with posts and comments, and rebuilding them all at once.

What is indexed: every published post (title, text, tags) and every approved
comment on one (text). Drafts, and comments held, spam or removed, never are.
A post published with a later date is indexed at once: searches filter by the
live rule when they run (search/engine.py), so it appears on its date.

The signals (search/signals.py) call sync_post, sync_comment and sync_tags
inside the writer's transaction, so the index commits or rolls back with the
change. A write that bypasses save() (QuerySet.update(), bulk_create) must call
them, or `manage.py rebuild_search`, itself.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from posts.markdown import plain_text
from posts.models import Post, Tag, public

from .backends import START, STOP, backend
from .models import TAG_SEPARATOR, SearchEntry

BATCH = 2000
# A whole rebuild turns each distinct text into plain text once (generated and repeated texts
# are common); the memo is bounded in characters.
_MEMO_MAX_CHARS = 32 * 1024 * 1024

# Control characters (the engines' highlight marks among them) never reach the index.
_CONTROLS = re.compile(f"[\x00-\x1f\x7f{START}{STOP}]")


class Row(NamedTuple):
    """An entry's columns, for writing many at once (search/backends/*.insert)."""

    course_id: int
    post_id: int
    comment_id: int | None
    title: str
    body: str
    tags: str
    comment_body: str


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    return _CONTROLS.sub(" ", text) if _CONTROLS.search(text) else text


def text_of(html: str) -> str:
    """The plain text of stored, sanitised HTML, as it is indexed and shown in snippets."""
    return _clean(plain_text(html or ""))


class _Memo:
    def __init__(self):
        self.texts, self.chars = {}, 0

    def text_of(self, html: str) -> str:
        text = self.texts.get(html)
        if text is None:
            text = text_of(html)
            if self.chars + len(html) + len(text) <= _MEMO_MAX_CHARS:
                self.texts[html] = text
                self.chars += len(html) + len(text)
        return text


def indexed_posts():
    # Published, whatever the date: the live rule is applied when searching (see above).
    return Post.objects.filter(status=Post.Status.PUBLISHED)


def not_yet_live(course):
    """The course's posts that are indexed yet not to be found: published for a later date (a few, if any).

    Searches leave them out, so a post appears on its date with no write; the
    index alone says what is published (every change of status reaches it).
    """
    # Published and not live(): dated after now (a published post always has a date).
    return indexed_posts().filter(course=course, published_at__gt=timezone.now()).order_by().values("pk")


def not_public(course):
    """not_yet_live(), and the posts of authors who have not consented (issue 18): hidden from non-members."""
    return indexed_posts().filter(course=course).exclude(public()).order_by().values("pk")


def _post_row(*, pk, course_id, title, body_html, tag_names, memo=None) -> Row:
    body = memo.text_of(body_html) if memo else text_of(body_html)
    return Row(course_id, pk, None, _clean(title), body, _clean(TAG_SEPARATOR.join(tag_names)), "")


def _comment_row(*, comment_id, post_id, course_id, body_html, memo=None) -> Row:
    body = memo.text_of(body_html) if memo else text_of(body_html)
    return Row(course_id, post_id, comment_id, "", "", "", body)


def _write(row: Row, existing: SearchEntry | None) -> None:
    """One entry through the ORM (and its vector, on PostgreSQL), replacing `existing` if given."""
    entry = SearchEntry(**row._asdict())
    entry.vector = backend().vector(
        title=row.title, body=row.body, tags=row.tags, comment_body=row.comment_body
    )
    if existing is not None:
        entry.pk = existing.pk
    entry.save()


def _tag_names(post_ids) -> dict[int, list[str]]:
    names = defaultdict(list)
    rows = Post.tags.through.objects.filter(post_id__in=post_ids).order_by("tag__name")
    for post_id, name in rows.values_list("post_id", "tag__name"):
        names[post_id].append(name)
    return names


def sync_post(post: Post) -> None:
    """The post's entry, and its comments' when it is first published (or published again)."""
    if not post.is_published:
        SearchEntry.objects.filter(post_id=post.pk).delete()  # and its comments': none may be found
        return
    existing = SearchEntry.objects.filter(post_id=post.pk, comment__isnull=True).first()
    row = _post_row(
        pk=post.pk,
        course_id=post.course_id,
        title=post.title,
        body_html=post.body_html,
        tag_names=_tag_names([post.pk])[post.pk],
    )
    with transaction.atomic():
        _write(row, existing)
        if existing is None:
            comments = Comment.objects.approved().filter(post_id=post.pk).values_list("pk", "body_html")
            SearchEntry.objects.filter(post_id=post.pk, comment__isnull=False).delete()
            backend().insert(
                [
                    _comment_row(comment_id=pk, post_id=post.pk, course_id=post.course_id, body_html=html)
                    for pk, html in comments
                ]
            )
        elif existing.course_id != post.course_id:
            # Posts do not change courses today; if one ever does, its comments go with it.
            SearchEntry.objects.filter(post_id=post.pk).update(course_id=post.course_id)


def sync_comment(comment: Comment, *, created: bool = False) -> None:
    """The comment's entry if it is approved on a published post; otherwise none.

    `created`: the comment was just written, so it has no entry yet (spares a query
    on every comment posted; a held one costs none at all).
    """
    existing = None if created else SearchEntry.objects.filter(comment_id=comment.pk).first()
    if not (comment.is_approved and comment.post.is_published):
        if existing is not None:
            existing.delete()
        return
    row = _comment_row(
        comment_id=comment.pk,
        post_id=comment.post_id,
        course_id=comment.post.course_id,
        body_html=comment.body_html,
    )
    _write(row, existing)


def sync_tags(post_ids) -> None:
    """The tags of these posts' entries, after tags were added, removed, renamed or deleted."""
    post_ids = set(post_ids)
    if not post_ids:
        return
    names = _tag_names(post_ids)
    for existing in SearchEntry.objects.filter(post_id__in=post_ids, comment__isnull=True):
        tags = _clean(TAG_SEPARATOR.join(names.get(existing.post_id, [])))
        if tags != existing.tags:
            row = Row(existing.course_id, existing.post_id, None, existing.title, existing.body, tags, "")
            _write(row, existing)


def posts_tagged(tag: Tag) -> list[int]:
    return list(Post.tags.through.objects.filter(tag=tag).values_list("post_id", flat=True))


@dataclass
class Rebuilt:
    posts: int = 0
    comments: int = 0


def rebuild(*, courses=None, log=None) -> Rebuilt:
    """Write every entry again, in bulk: for all courses (and the engine's index itself), or some.

    The whole rebuild drops and recreates the engine's index around the writes
    (search/backends/), so a damaged or dropped index comes back too.
    """
    engine = backend()
    done = Rebuilt()
    memo = _Memo()
    posts = indexed_posts().order_by("course_id", "pk")
    entries = SearchEntry.objects.all()
    if courses is not None:
        posts = posts.filter(course__in=courses)
        entries = entries.filter(course__in=courses)
    with transaction.atomic():
        if courses is None:
            engine.before_full_rebuild()
        entries.delete()
        rows = posts.values_list("pk", "course_id", "title", "body_html").iterator(chunk_size=BATCH)
        for chunk in _chunks(rows, BATCH):
            names = _tag_names([pk for pk, *_ in chunk])
            engine.insert(
                [
                    _post_row(
                        pk=pk,
                        course_id=course_id,
                        title=title,
                        body_html=html,
                        tag_names=names[pk],
                        memo=memo,
                    )
                    for pk, course_id, title, html in chunk
                ]
            )
            done.posts += len(chunk)
        if log:
            log(f"  {done.posts} posts indexed")
        comments = (
            Comment.objects.approved()
            .filter(post__in=posts.order_by().values("pk"))
            .order_by("post__course_id", "pk")
            .values_list("pk", "post_id", "post__course_id", "body_html")
            .iterator(chunk_size=BATCH)
        )
        for chunk in _chunks(comments, BATCH):
            engine.insert(
                [
                    _comment_row(
                        comment_id=pk, post_id=post_id, course_id=course_id, body_html=html, memo=memo
                    )
                    for pk, post_id, course_id, html in chunk
                ]
            )
            done.comments += len(chunk)
        if log:
            log(f"  {done.comments} comments indexed")
        if courses is None:
            engine.after_full_rebuild()
    if courses is None:
        engine.after_full_rebuild_committed()
    return done


def clear() -> None:
    """Every entry gone at once, the engine's index emptied with them (not row by row)."""
    engine = backend()
    with transaction.atomic():
        engine.before_full_rebuild()
        SearchEntry.objects.all().delete()
        engine.after_full_rebuild()


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
