"""Writes to revisions: recording a save, autosaving, restoring (for the views, the editor hook, the demo).

The version rule: the editor sends the version it last saw and the id of its
window. A save is refused (StaleVersion) when a newer revision came from
anywhere else (another window, a restore), so a stale window never silently
overwrites; the writer is shown both texts and chooses. A window's own newer
saves do not count against it: an autosave whose answer was lost, or one still
on its way when Update is pressed, is not a conflict with itself.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from posts import services as post_services
from posts.models import Post

from .models import Revision

# An autosave run (the same writer, window and kind, the newest revision) is one
# row for this long, then a new row starts: a long session keeps some history.
AUTOSAVE_RUN = datetime.timedelta(minutes=10)
UNTITLED = gettext_lazy("Untitled draft")


class StaleVersion(Exception):
    """The post changed since the window saw it; `newest` is the version it would overwrite."""

    def __init__(self, newest: Revision):
        self.newest = newest
        super().__init__("This post was changed in another window since this one last saved.")


@dataclass(frozen=True)
class Marker:
    """What the editor carries: the version it last saw and its window's id."""

    version: int
    window: str

    @classmethod
    def parse(cls, text: str) -> "Marker | None":
        """ "12.3f9c..." -> Marker; None for anything else."""
        version, dot, window = (text or "").partition(".")
        if not dot or not version.isdigit() or len(version) > 9:
            return None
        if not (8 <= len(window) <= 32) or not all(c in "0123456789abcdef" for c in window):
            return None
        return cls(int(version), window)

    def __str__(self):
        return f"{self.version}.{self.window}"


def newest_of(post: Post | None) -> Revision | None:
    if post is None or post.pk is None:
        return None
    return Revision.objects.filter(post=post).order_by("-version").first()


def current_version(post: Post | None) -> int:
    newest = newest_of(post)
    return newest.version if newest else 0


def check_fresh(*, post: Post, marker: Marker) -> None:
    """Raise StaleVersion if a revision newer than the marker's version came from another window."""
    newer = Revision.objects.filter(post=post, version__gt=marker.version).order_by("-version")
    if newer.exclude(window=marker.window).exists():
        raise StaleVersion(newer.select_related("saved_by").first())


def _lock(post: Post) -> None:
    # One writer of a post's revisions at a time (PostgreSQL; SQLite's immediate
    # transactions already take the database's write lock).
    Post.objects.select_for_update().filter(pk=post.pk).values_list("pk", flat=True).first()


def _continues_run(newest: Revision, *, user, kind: str, window: str, now) -> bool:
    """Whether this save rewrites the newest row instead of adding one."""
    if newest.kind == Revision.Kind.SAVED or not window:
        return False
    if newest.saved_by_id != user.pk or newest.window != window or now - newest.started_at >= AUTOSAVE_RUN:
        return False
    # Autosaves of a draft continue a draft's run; a saved version closes (and takes over) either run.
    return kind == newest.kind or kind == Revision.Kind.SAVED


def revision_record(
    *,
    post: Post,
    user,
    kind: str = Revision.Kind.SAVED,
    title: str | None = None,
    body: str | None = None,
    window: str = "",
    edits_published: bool = False,
    restored_from: Revision | None = None,
    before: tuple[str, str, datetime.datetime] | None = None,
) -> Revision:
    """Keep the post's text (or `title`/`body`, for a pending revision) as its next version.

    A save that changes nothing adds nothing, and an autosave continues its run
    (one row rewritten under the next version). `before` is the post's title,
    body and updated_at before this save: a post written before revisions were
    kept has none, and that text becomes its first, so the list can go back to it.
    """
    title = post.title if title is None else title
    body = post.body if body is None else body
    now = timezone.now()
    with transaction.atomic():
        _lock(post)
        newest = newest_of(post)
        if newest is None and before is not None and before[:2] != (title, body):
            newest = Revision.objects.create(
                post=post,
                version=1,
                kind=Revision.Kind.SAVED,
                title=before[0],
                body=before[1],
                saved_by=post.author,
                saved_at=before[2] or now,
                started_at=before[2] or now,
                window=window,  # the text this window was opened on: not a change from elsewhere
            )
        same_text = newest is not None and (newest.title, newest.body) == (title, body)
        if same_text and (newest.kind == kind or kind != Revision.Kind.SAVED):
            return newest  # the same text again: nothing new to keep
        if newest is not None and _continues_run(newest, user=user, kind=kind, window=window, now=now):
            revision = newest
            revision.edits_published = revision.edits_published or edits_published
        else:
            revision = Revision(post=post, saved_by=user, window=window, started_at=now)
            revision.edits_published = edits_published
        revision.version = (newest.version if newest else 0) + 1
        revision.kind = kind
        revision.title, revision.body = title, body
        revision.saved_at = now
        revision.restored_from = restored_from
        revision.save()
    return revision


def autosave(
    *, course, post: Post | None, user, title: str, body: str, marker: Marker
) -> tuple[Post, Revision]:
    """Save what the writer has so far. Never publishes, never touches a published post's text.

    A draft's own text is saved (so the writer's other devices open it); a
    published post's edit is kept as a pending revision until the writer presses
    Update. With `post` None (a new post never saved) the first autosave makes
    the draft; a repeat from the same window (a save on leaving the page racing
    the last one) finds that draft instead of making a second.
    """
    title = " ".join(title.split())
    with transaction.atomic():
        if post is None:
            made = (
                Revision.objects.filter(window=marker.window, saved_by=user, post__course=course)
                .select_related("post")
                .first()
            )
            post = made.post if made is not None else None
        if post is None:
            post = post_services.post_save(  # a draft: never published from here
                course=course, author=user, title=title or str(UNTITLED), body=body, category=None
            )
            revision = revision_record(
                post=post, user=user, kind=Revision.Kind.AUTOSAVE, window=marker.window
            )
            return post, revision
        _lock(post)
        check_fresh(post=post, marker=marker)
        before = (post.title, post.body, post.updated_at)
        if post.is_published:
            revision = revision_record(
                post=post,
                user=user,
                kind=Revision.Kind.PENDING,
                title=title or post.title,
                body=body,
                window=marker.window,
                before=before,
            )
            return post, revision
        if (post.title, post.body) != (title or post.title, body):
            post.title = title or post.title
            post.body = body
            post.save(update_fields=["title", "body", "updated_at"])
        revision = revision_record(
            post=post, user=user, kind=Revision.Kind.AUTOSAVE, window=marker.window, before=before
        )
        return post, revision


def revision_restore(*, revision: Revision, user) -> Revision:
    """Make `revision`'s text the post's text again, as a new saved version.

    A published post stays published (its new text live at once, as Update
    would make it); PublishRefused (an image without alt text) saves nothing.
    """
    post = revision.post
    was_published = post.is_published
    before = (post.title, post.body, post.updated_at)
    with transaction.atomic():
        post_services.post_save(
            post=post,
            course=post.course,
            author=post.author,
            title=revision.title,
            body=revision.body,
            category=post.category,
            tags_text=", ".join(tag.name for tag in post.tags.all()),
            publish=was_published,
        )
        return revision_record(
            post=post,
            user=user,
            kind=Revision.Kind.SAVED,
            edits_published=was_published and before[:2] != (post.title, post.body),
            before=before,
            restored_from=revision,
        )
