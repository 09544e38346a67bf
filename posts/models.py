from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from courses import permissions as course_permissions
from courses.models import Course, Membership

from .markdown import excerpt_of, plain_text, render_post_markdown


def _display_name_of_author():
    # order_by(): Membership's default ordering would join the course table for nothing.
    memberships = Membership.objects.filter(course=OuterRef("course"), user=OuterRef("author")).order_by()
    return Subquery(memberships.values("display_name")[:1])


def _tags_with_course():
    # A tag's URL names its course: fetch it with the tags, not once per tag.
    return Prefetch("tags", queryset=Tag.objects.select_related("course"))


class Category(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="one_category_slug_per_course"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("posts:category", kwargs={"course_slug": self.course.slug, "slug": self.slug})


class Tag(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)
    slug = models.SlugField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="one_tag_slug_per_course"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("posts:tag", kwargs={"course_slug": self.course.slug, "slug": self.slug})


def live(through: str = "") -> Q:
    """Published, and its publication time has come: the one rule of what readers see.

    published(), visible_to() and visible_in() filter with it; Post.is_live is its
    twin for one post already loaded (tests/posts/test_visibility.py holds them together).
    `through` filters another model by its post ("post__"): a join, where a
    `post__in=Post.objects.published()` subquery would read every post of the site.
    """
    return Q(**{f"{through}status": Post.Status.PUBLISHED, f"{through}published_at__lte": timezone.now()})


class PostQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=Post.Status.DRAFT)

    def published(self):
        return self.filter(live())

    def visible_to(self, user):
        """Published posts of readable courses, plus drafts the user wrote or teaches."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        readable = Q(course__in=Course.objects.visible_to(user))
        if not user.is_authenticated:
            return self.filter(readable & live())
        own = Q(author=user)
        taught = Q(course__in=Course.objects.taught_by(user))
        return self.filter(readable & (live() | own | taught))

    def visible_in(self, course, user):
        """The posts of a course the user may read (the caller checked that): visible_to, made cheap.

        The same rows as visible_to(user).filter(course=course), without the
        subqueries over courses and memberships: the user's membership is
        already loaded (and kept for the request) when the course is read.
        """
        posts = self.filter(course=course)
        if course_permissions.is_instructor(user, course):
            return posts  # superusers, and instructors of the course, see its drafts too
        if not user.is_authenticated:
            return posts.filter(live())
        return posts.filter(live() | Q(author=user))

    def for_listing(self):
        """What a list of posts shows, in a fixed number of queries however long the list."""
        return (
            # category__course: a category's URL names its course.
            self.select_related("course", "category__course", "author")
            .prefetch_related(_tags_with_course())
            .annotate(author_display_name=_display_name_of_author())
            .defer("body")
        )

    def for_detail(self):
        return (
            self.select_related("course", "category__course", "author")
            .prefetch_related(_tags_with_course())
            .annotate(author_display_name=_display_name_of_author())
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220)
    body = MarkdownxField(help_text="Markdown. Footnotes ([^1]) are good for citing sources.")
    body_html = models.TextField(editable=False, blank=True)
    excerpt = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    # Kept up to date by the comments app's services, so lists need no join.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="one_post_slug_per_course"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_post_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status", "-published_at"], name="post_course_listing"),
            models.Index(fields=["course", "author", "status", "-published_at"], name="post_author_listing"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived columns of this row only; everything else belongs in services.
        self.body_html = render_post_markdown(self.body)
        self.word_count = len(plain_text(self.body_html).split())
        self.excerpt = excerpt_of(self.body_html)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "word_count", "excerpt"}
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def readable_by(self, user) -> bool:
        """Post.objects.visible_in(course, user), for one post already loaded (tested to agree)."""
        if self.is_live or (user.is_authenticated and self.author_id == user.pk):
            return True
        return course_permissions.is_instructor(user, self.course)

    @property
    def is_live(self) -> bool:
        """The rule of live() in Python, for one post already loaded: no query."""
        return self.is_published and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def date_for_url(self):
        return timezone.localtime(self.published_at or self.created_at or timezone.now())

    def get_absolute_url(self):
        date = self.date_for_url
        return reverse(
            "posts:detail",
            kwargs={
                "course_slug": self.course.slug,
                "year": date.year,
                "month": date.month,
                "day": date.day,
                "slug": self.slug,
            },
        )

    def get_edit_url(self):
        return reverse("posts:edit", kwargs={"course_slug": self.course.slug, "slug": self.slug})

    @property
    def display_author(self):
        """The author's name in this course (annotated by for_listing/for_detail)."""
        name = getattr(self, "author_display_name", None)
        return name or self.author.username


class PostImage(models.Model):
    """An image uploaded through the editor, already cleaned by posts.images."""

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_images"
    )
    file = models.ImageField(upload_to="posts/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.file.name
