import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from courses import permissions as course_permissions
from courses.models import Course, Membership

from .markdown import excerpt_of, plain_text

# Shown for a post whose author is no longer a member of its course (never their username).
FORMER_MEMBER = gettext_noop("A former member")  # a str (exports keep it); shown as gettext(FORMER_MEMBER)


def _display_name_of_author(field: str = "display_name"):
    # order_by(): Membership's default ordering would join the course table for nothing.
    memberships = Membership.objects.filter(course=OuterRef("course"), user=OuterRef("author")).order_by()
    return Subquery(memberships.values(field)[:1])


def _tags_with_course():
    # A tag's URL names its course: fetch it with the tags, not once per tag.
    return Prefetch("tags", queryset=Tag.objects.select_related("course"))


class Category(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(verbose_name=_("name"), max_length=80)
    slug = models.SlugField(verbose_name=_("slug"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="one_category_slug_per_course"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("posts:category", kwargs={"course_slug": self.course.slug, "slug": self.slug})


class Tag(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(verbose_name=_("name"), max_length=50)
    slug = models.SlugField(verbose_name=_("slug"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
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


def consented(through: str = "") -> Exists:
    """The post's author may be read by anyone in its course: an instructor, or a student consenting now.

    Membership.shown_to_world is its twin for one membership already loaded.
    A post whose author has left the course has no consent: members only.
    """
    authors = Membership.objects.filter(
        course=OuterRef(f"{through}course"), user=OuterRef(f"{through}author")
    ).filter(Q(role=Membership.Role.INSTRUCTOR) | Q(publish_consent_at__isnull=False))
    return Exists(authors.order_by())


def public(through: str = "") -> Q:
    """What anyone who is not a member may read (issue 18): live, in a public course, by a consenting author.

    Members of a course read every live post of it (live()); everyone else reads
    these. `through` filters another model by its post, as live() does.
    """
    in_public_course = Q(**{f"{through}course__visibility": Course.Visibility.PUBLIC})
    return live(through) & in_public_course & consented(through)


def reads_as_member(user, course) -> bool:
    """Does this reader see every live post of the course (a member, a superuser), or only public() ones?"""
    if user.is_authenticated and user.is_superuser:
        return True
    return course_permissions.is_member(user, course)


class PostQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=Post.Status.DRAFT)

    def scheduled(self):
        """Published for a later time: not live() yet."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def drafts_and_scheduled(self):
        """What the drafts page lists: everything not live, written or taught."""
        return self.exclude(live())

    def published(self):
        """Live posts, whoever reads: for members' eyes, emails and counts. Pages use listed_in()."""
        return self.filter(live())

    def public(self):
        """Live posts anyone may read, members or not: public courses, consenting authors (issue 18)."""
        return self.filter(public())

    def listed_in(self, course, user):
        """The live posts of a course this reader may see in its lists: all of them for members."""
        posts = self.filter(course=course)
        if reads_as_member(user, course):
            return posts.filter(live())
        return posts.filter(live() & consented())

    def visible_to(self, user):
        """Posts of readable courses the user may read, plus drafts the user wrote or teaches.

        Members read a course's live posts; others its public() ones (issue 18).
        """
        if user.is_authenticated and user.is_superuser:
            return self.all()
        if not user.is_authenticated:
            return self.filter(public())
        readable = Q(course__in=Course.objects.visible_to(user))
        member_of = Q(course__in=Course.objects.filter(memberships__user=user))
        own = Q(author=user)
        taught = Q(course__in=Course.objects.taught_by(user))
        return self.filter(readable & ((live() & (member_of | consented())) | own | taught))

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
            return posts.filter(live() & consented())
        if not course_permissions.is_member(user, course):
            return posts.filter((live() & consented()) | Q(author=user))
        return posts.filter(live() | Q(author=user))

    def for_listing(self):
        """What a list of posts shows, in a fixed number of queries however long the list."""
        return (
            # category__course: a category's URL names its course.
            self.select_related("course", "category__course", "author")
            .prefetch_related(_tags_with_course())
            .annotate(
                author_display_name=_display_name_of_author(),
                author_slug=_display_name_of_author("author_slug"),
            )
            .defer("body")
        )

    def for_detail(self):
        return (
            self.select_related("course", "category__course", "author")
            .prefetch_related(_tags_with_course())
            .annotate(
                author_display_name=_display_name_of_author(),
                author_slug=_display_name_of_author("author_slug"),
            )
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    slug = models.SlugField(verbose_name=_("slug"), max_length=220)
    body = MarkdownxField(
        verbose_name=_("body"), help_text=_("Markdown. Footnotes ([^1]) are good for citing sources.")
    )
    body_html = models.TextField(verbose_name=_("body html"), editable=False, blank=True)
    excerpt = models.TextField(verbose_name=_("excerpt"), editable=False, blank=True)
    word_count = models.PositiveIntegerField(verbose_name=_("word count"), editable=False, default=0)
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(verbose_name=_("published at"), null=True, blank=True, db_index=True)
    # When the post's going-live work ran (posts.services.post_go_live): at Publish, or from the
    # tick for a post scheduled for later. Null until then; set once, so that work runs once.
    went_live_at = models.DateTimeField(verbose_name=_("went live at"), null=True, blank=True, editable=False)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="posts"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="posts")
    # Kept up to date by the comments app's services, so lists need no join.
    comment_count = models.PositiveIntegerField(verbose_name=_("comment count"), default=0, editable=False)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
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
            # The tick's look for posts whose going-live work is due: the few not done yet.
            models.Index(
                fields=["published_at"], condition=Q(went_live_at__isnull=True), name="post_going_live_due"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived columns of this row only; everything else belongs in services.
        # Our stored images get their sizes and narrower copies (one query, none without images);
        # imported here because posts.images builds on this module.
        from posts.images import render_with_image_sizes

        self.body_html = render_with_image_sizes(self.body)
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
        if user.is_authenticated and self.author_id == user.pk:
            return True
        if self.is_live and (reads_as_member(user, self.course) or self.author_shown_to_world()):
            return True
        return course_permissions.is_instructor(user, self.course)

    def author_shown_to_world(self) -> bool:
        """consented() for this post: its author's membership, kept under the course's cache version."""
        from courses.consent import author_membership  # courses.consent imports nothing of posts

        membership = author_membership(self.course, self.author_id)
        return membership is not None and membership.shown_to_world

    @property
    def is_scheduled(self) -> bool:
        """Published for a later time: a draft to everyone but its author and instructors until then."""
        return self.is_published and self.published_at is not None and self.published_at > timezone.now()

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
        """The author's name in this course (annotated by for_listing/for_detail); never the username."""
        if hasattr(self, "author_display_name"):
            return self.author_display_name or gettext(FORMER_MEMBER)
        if not hasattr(self, "_looked_up_author_name"):  # a plain post: one query, once
            self._looked_up_author_name = (
                Membership.objects.filter(course_id=self.course_id, user_id=self.author_id)
                .values_list("display_name", flat=True)
                .first()
            )
        return self._looked_up_author_name or gettext(FORMER_MEMBER)

    @property
    def author_url(self) -> str | None:
        """The author's page in the course (by their author slug, annotated by for_listing/for_detail)."""
        slug = getattr(self, "author_slug", None)
        if not slug:
            return None
        return reverse("posts:author", kwargs={"course_slug": self.course.slug, "author_slug": slug})


class PostImageQuerySet(models.QuerySet):
    def credited_in(self, post):
        """The images a post shows, in the order it shows them: its "Image credits" list."""
        return self.filter(post=post).order_by("position", "pk")


class PostImage(models.Model):
    """An uploaded image, already cleaned by posts.images, with where it came from.

    It belongs to the post whose text shows it (linked when the post is saved,
    posts.images.link_post_images); until then only its uploader sees it. Readers
    of the post may fetch it, nobody else (posts/media.py).
    """

    class Licence(models.TextChoices):
        PUBLIC_DOMAIN = "public-domain", _("Public domain")
        CC_BY = "cc-by", "CC BY"
        CC_BY_SA = "cc-by-sa", "CC BY-SA"
        CC_BY_NC = "cc-by-nc", "CC BY-NC"
        PERMISSION = "permission", _("Used with permission")
        UNKNOWN = "unknown", _("Unknown")

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploader"),
        on_delete=models.CASCADE,
        related_name="post_images",
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, null=True, blank=True, related_name="images"
    )
    # Where the image first appears in its post's text: the order of the credits.
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    # Looked up by name on every request for the image (posts/media.py).
    file = models.ImageField(
        verbose_name=_("file"),
        upload_to="posts/%Y/%m/",
        width_field="width",
        height_field="height",
        db_index=True,
    )
    width = models.PositiveIntegerField(verbose_name=_("width"), default=0)
    height = models.PositiveIntegerField(verbose_name=_("height"), default=0)
    alt_text = models.CharField(verbose_name=_("alt text"), max_length=300, blank=True)
    caption = models.CharField(verbose_name=_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        verbose_name=_("credit"), max_length=300, blank=True, help_text=_("Who made the image.")
    )
    source_title = models.CharField(verbose_name=_("source title"), max_length=300, blank=True)
    source_url = models.URLField(verbose_name=_("source url"), max_length=500, blank=True)
    licence = models.CharField(
        verbose_name=_("licence"), max_length=20, choices=Licence.choices, default=Licence.UNKNOWN
    )
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"), auto_now_add=True)

    objects = PostImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("post image")
        verbose_name_plural = _("post images")
        ordering = ["-uploaded_at"]
        constraints = [
            # Only a web address can be a link in the credits (the form checks it too).
            models.CheckConstraint(
                condition=Q(source_url="")
                | Q(source_url__startswith="http://")
                | Q(source_url__startswith="https://"),
                name="image_source_url_is_http",
            ),
        ]

    def __str__(self):
        return self.file.name

    @property
    def has_source(self) -> bool:
        return bool(self.source_title or self.source_url)

    def get_absolute_url(self):
        return reverse("posts:image", kwargs={"name": self.file.name})


def next_going_live(course_slug: str, after) -> "datetime.datetime | None":
    """When the course's next post scheduled for later than `after` goes live, or None.

    core.cache keeps nothing cached for the course past it (posts.apps registers it),
    so no cached page hides such a post once its time has come.
    """
    return (
        Post.objects.filter(course__slug=course_slug, status=Post.Status.PUBLISHED, published_at__gt=after)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
