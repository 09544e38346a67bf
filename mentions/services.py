"""Writes to mentions: the signals (on every save of a post or comment) and rebuild_mentions call these.

Rows are kept for every post and comment whatever its status: a draft that
links to a classmate shows nothing until it is live, because what shows is
decided when the page is read (Mention.objects.shown_on). So publishing,
unpublishing and moderation need no recomputing, only the course's cache bump
their own apps already make.
"""

from dataclasses import dataclass

from django.db import transaction

from comments.models import Comment
from core.cache import bump_course_version
from courses.models import Course
from posts.models import Post

from .links import linked_post_slugs
from .models import Mention


def _targets(*, html: str, course: Course, base_path, exclude_pk) -> set[int]:
    slugs = linked_post_slugs(html, course_slug=course.slug, base_path=base_path)
    if not slugs:
        return set()
    found = Post.objects.filter(course=course, slug__in=slugs).values_list("pk", flat=True)
    return set(found) - {exclude_pk}


def _sync(*, field: str, source, targets: set[int], course: Course, created: bool) -> bool:
    existing = set()
    if not created:
        existing = set(Mention.objects.filter(**{field: source}).values_list("target_id", flat=True))
    if targets == existing:
        return False
    with transaction.atomic():
        gone = existing - targets
        if gone:
            Mention.objects.filter(**{field: source, "target_id__in": gone}).delete()
        # ignore_conflicts: two saves of the same source at once must not fail the second.
        Mention.objects.bulk_create(
            [Mention(**{field: source, "target_id": pk}) for pk in sorted(targets - existing)],
            ignore_conflicts=True,
        )
    bump_course_version(course.slug)  # no signal bumps it for Mention rows
    return True


def mentions_sync_post(*, post: Post, created: bool = False) -> bool:
    """Make the post's mentions follow the links in its body_html. True if they changed.

    A link to the post itself is not a mention; `created` spares the read of
    rows a new post cannot have.
    """
    if created and "<a" not in post.body_html:
        return False
    targets = _targets(
        html=post.body_html, course=post.course, base_path=post.get_absolute_url, exclude_pk=post.pk
    )
    return _sync(field="source_post", source=post, targets=targets, course=post.course, created=created)


def mentions_sync_comment(*, comment: Comment, created: bool = False) -> bool:
    """Make the comment's mentions follow the links in its body_html. True if they changed.

    A link to the post the comment is on is not a mention: the reader is on that page already.
    """
    if created and "<a" not in comment.body_html:
        return False
    post = comment.post
    targets = _targets(
        html=comment.body_html, course=post.course, base_path=post.get_absolute_url, exclude_pk=post.pk
    )
    return _sync(field="source_comment", source=comment, targets=targets, course=post.course, created=created)


@dataclass
class Rebuilt:
    posts: int = 0
    comments: int = 0
    mentions: int = 0
    changed_courses: int = 0


BATCH = 2000


def mentions_rebuild(*, courses=None, dry_run: bool = False) -> Rebuilt:
    """Recompute every mention of `courses` (all courses by default) from the stored HTML.

    Each course in one transaction: its readers see the old rows or the new
    ones, never half. Bodies are streamed in batches; each course's slugs are read once.
    """
    result = Rebuilt()
    for course in Course.objects.all() if courses is None else courses:
        wanted = _course_mentions(course, result)
        result.mentions += len(wanted)
        if _replace_course_mentions(course, wanted, dry_run=dry_run):
            result.changed_courses += 1
    return result


def _course_mentions(course, counts: Rebuilt) -> set[tuple]:
    """Every (source field, source pk, target pk) the course's stored HTML calls for."""
    slug_to_pk = dict(Post.objects.filter(course=course).values_list("slug", "pk"))

    def targets_of(html, post):
        slugs = linked_post_slugs(html, course_slug=course.slug, base_path=post.get_absolute_url)
        return {slug_to_pk[slug] for slug in slugs if slug in slug_to_pk} - {post.pk}

    wanted = set()
    posts = Post.objects.filter(course=course).select_related("course")
    posts = posts.only("slug", "course__slug", "body_html", "published_at", "created_at")
    for post in posts.iterator(chunk_size=BATCH):
        counts.posts += 1
        wanted.update(("source_post", post.pk, target) for target in targets_of(post.body_html, post))
    comments = Comment.objects.filter(post__course=course).select_related("post__course")
    comments = comments.only(
        "body_html", "post__slug", "post__published_at", "post__created_at", "post__course__slug"
    )
    for comment in comments.iterator(chunk_size=BATCH):
        counts.comments += 1
        targets = targets_of(comment.body_html, comment.post)
        wanted.update(("source_comment", comment.pk, target) for target in targets)
    return wanted


def _rows_of(course) -> dict[tuple, int]:
    """The course's mention rows, as (source field, source pk, target pk) -> row pk."""
    rows = {}
    in_course = Mention.objects.filter(target__course=course).values_list(
        "pk", "source_post_id", "source_comment_id", "target_id"
    )
    for pk, source_post, source_comment, target in in_course:
        if source_post is not None:
            rows["source_post", source_post, target] = pk
        else:
            rows["source_comment", source_comment, target] = pk
    return rows


def _replace_course_mentions(course, wanted: set[tuple], *, dry_run: bool) -> bool:
    with transaction.atomic():
        existing = _rows_of(course)
        if existing.keys() == wanted:
            return False
        if dry_run:
            return True
        stale = [pk for row, pk in existing.items() if row not in wanted]
        for start in range(0, len(stale), BATCH):
            Mention.objects.filter(pk__in=stale[start : start + BATCH]).delete()
        Mention.objects.bulk_create(
            [
                Mention(**{f"{field}_id": source, "target_id": target})
                for field, source, target in sorted(wanted - existing.keys())
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    bump_course_version(course.slug)
    return True
