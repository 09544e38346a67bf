"""Writes to posts. Views, the admin and commands all come through here."""

import datetime
import posixpath

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext as _

from core.cache import bump_course_version
from courses.models import Course

from .markdown import images_in
from .models import Category, Post, PostImage, Tag

DEFAULT_CATEGORY = "Uncategorized"

# Sent once in a post's life, after the commit, when it goes live: at Publish, or from the tick
# (posts/tick.py) when the time a post was scheduled for comes. Receivers (`post`) hang on it what
# must happen when readers first see a post; what its save does already (the cache, the search
# entry, mentions) happens at the save, and what readers see is filtered by live() when read.
post_went_live = Signal()


class PublishRefused(Exception):
    """The post cannot be published as it stands; the message says what to fix."""


def default_category(course: Course) -> Category:
    category, _created = Category.objects.get_or_create(
        course=course, slug=slugify(DEFAULT_CATEGORY), defaults={"name": DEFAULT_CATEGORY}
    )
    return category


def tags_from_text(*, course: Course, text: str) -> list[Tag]:
    """Comma-separated tag names to Tag rows of the course, created as needed."""
    tags = []
    seen = set()
    for raw in text.split(","):
        name = " ".join(raw.split())[:50]
        slug = slugify(name)[:50]
        if not slug or slug in seen:
            continue
        seen.add(slug)
        tag, _created = Tag.objects.get_or_create(course=course, slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _unique_slug(course: Course, title: str, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "post"
    slug, n = base, 2
    taken = Post.objects.filter(course=course)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def images_missing_alt(body: str) -> list[str]:
    """File names of the images in `body` that have no alt text."""
    return [posixpath.basename(image.src) or image.src for image in images_in(body) if not image.alt]


def check_publishable(*, body: str) -> None:
    """Raises PublishRefused if a post of this text may not be published; the admin's form asks it too."""
    missing = images_missing_alt(body)
    if missing:
        if len(missing) == 1:
            message = _(
                "Add alt text to every image before publishing: %(names)s has none. "
                "Write it between the square brackets: ![what the image shows](...)."
            )
        else:
            message = _(
                "Add alt text to every image before publishing: %(names)s have none. "
                "Write it between the square brackets: ![what the image shows](...)."
            )
        raise PublishRefused(message % {"names": get_text_list(missing, _("and"))})


def post_save(
    *,
    post: Post | None = None,
    course: Course,
    author,
    title: str,
    body: str,
    category: Category | None,
    tags_text: str = "",
    publish: bool = False,
    publish_at: datetime.datetime | None = None,
    unschedule: bool = False,
) -> Post:
    """Create or update a post, and publish it if asked. Nothing is saved if publishing is refused.

    `publish` publishes it now (a live post stays live); `publish_at` schedules it for that later
    time (the rules of publishing are checked now); `unschedule` takes a post scheduled for
    later back to a draft. A post that is neither stays as it was.
    """
    is_new = post is None
    if is_new:
        post = Post(course=course, author=author)
    post.title = title
    post.body = body
    post.category = category or default_category(course)
    if publish_at is not None:
        _mark_published(post, at=publish_at)
    elif publish:
        if post.published_at is not None and post.published_at > timezone.now():
            post.published_at = None  # "Publish now" on a post scheduled (or once scheduled) for later
        _mark_published(post)
    elif unschedule and post.is_scheduled:
        post.status = Post.Status.DRAFT
    for attempt in range(3):
        try:
            with transaction.atomic():
                if is_new:
                    post.slug = _unique_slug(course, title)
                post.save()
                post.tags.set(tags_from_text(course=course, text=tags_text))
            break
        except IntegrityError:
            if not is_new or attempt == 2:
                raise
            post.pk = None  # another writer took the slug: try the next one
    _announce_if_went_live(post)
    return post


class ScheduleRefused(PublishRefused):
    """The time asked for cannot be a post's publication time."""


def _mark_published(post: Post, *, at: datetime.datetime | None = None) -> bool:
    """The publish rule, the one place that sets a post's status and date. Raises PublishRefused.

    post_save (the site's Publish and Schedule buttons) and post_publish (the admin's
    form and action) both come here, so the site and the admin cannot drift apart.
    `at` schedules the post for that later time instead of now. False if the post was
    live already (it is checked all the same).
    """
    check_publishable(body=post.body)
    now = timezone.now()
    if at is not None:
        if post.is_live:
            raise ScheduleRefused(_("This post is published already: it cannot be scheduled for later."))
        if at <= now:
            raise ScheduleRefused(_("Choose a time in the future to schedule the post, or publish it now."))
        post.status, post.published_at = Post.Status.PUBLISHED, at
        return True
    if post.is_live:
        return False
    post.status = Post.Status.PUBLISHED
    # Published again after an unpublish: the post keeps its date, so its permalink holds. A
    # later date (the admin's form) schedules it: the tick does its going-live work then.
    post.published_at = post.published_at or now
    if post.published_at <= now and post.went_live_at is None:
        post.went_live_at = now  # its going-live work follows the save (_announce_if_went_live)
        post._going_live = True
    return True


def _announce_if_went_live(post: Post) -> None:
    if getattr(post, "_going_live", False):
        del post._going_live
        transaction.on_commit(lambda: post_went_live.send(sender=Post, post=post))


def post_go_live(*, post: Post, now: datetime.datetime) -> bool:
    """The going-live work of a post scheduled for later whose time has come: once in its life.

    The post is claimed with a conditional UPDATE, so two ticks at once do it
    once; an UPDATE sends no signal, so the course's pages are made stale here
    (they had it hidden). False if it is not live yet, or its work was done.
    """
    if not (post.is_published and post.published_at is not None and post.published_at <= now):
        return False
    if not Post.objects.filter(pk=post.pk, went_live_at__isnull=True).update(went_live_at=now):
        return False
    post.went_live_at = now
    bump_course_version(post.course.slug)
    transaction.on_commit(lambda: post_went_live.send(sender=Post, post=post))
    return True


def post_publish(*, post: Post) -> Post:
    """Publish the post, saved whole with any other change the caller made to it (the admin's form).

    A post published already is left as it is. Raises PublishRefused, and saves nothing then.
    """
    if _mark_published(post):
        post.save()
        _announce_if_went_live(post)
    return post


def post_unpublish(*, post: Post) -> Post:
    post.status = Post.Status.DRAFT
    post.save(update_fields=["status", "updated_at"])
    return post


def image_store(*, uploader, cleaned) -> PostImage:
    image = PostImage(uploader=uploader)
    image.file.save(cleaned.content.name, cleaned.content, save=False)
    image.save()
    return image
