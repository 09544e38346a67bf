"""Writes to posts. Views, the admin and commands all come through here."""

import posixpath

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from courses.models import Course

from .markdown import images_in
from .models import Category, Post, PostImage, Tag

DEFAULT_CATEGORY = "Uncategorized"


class PublishRefused(Exception):
    """The post cannot be published as it stands; the message says what to fix."""


def default_category(course: Course) -> Category:
    category, _ = Category.objects.get_or_create(
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
        tag, _ = Tag.objects.get_or_create(course=course, slug=slug, defaults={"name": name})
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
        names = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
        verb = "has" if len(missing) == 1 else "have"
        raise PublishRefused(
            f"Add alt text to every image before publishing: {names} {verb} none. "
            "Write it between the square brackets: ![what the image shows](...)."
        )


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
) -> Post:
    """Create or update a post, and publish it if asked. Nothing is saved if publishing is refused."""
    is_new = post is None
    if is_new:
        post = Post(course=course, author=author)
    post.title = title
    post.body = body
    post.category = category or default_category(course)
    if publish:
        _mark_published(post)
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
    return post


def _mark_published(post: Post) -> bool:
    """The publish rule, the one place that sets a post's status and date. Raises PublishRefused.

    post_save (the site's Publish button) and post_publish (the admin's form and
    action) both come here, so the site and the admin cannot drift apart. False
    if the post was published already (it is checked all the same).
    """
    check_publishable(body=post.body)
    if post.is_published:
        return False
    post.status = Post.Status.PUBLISHED
    # Published again after an unpublish: the post keeps its date, so its permalink holds.
    post.published_at = post.published_at or timezone.now()
    return True


def post_publish(*, post: Post) -> Post:
    """Publish the post, saved whole with any other change the caller made to it (the admin's form).

    A post published already is left as it is. Raises PublishRefused, and saves nothing then.
    """
    if _mark_published(post):
        post.save()
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
