from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from courses.models import Membership
from posts.markdown import render_comment_markdown
from posts.models import FORMER_MEMBER, Post

BODY_MAX_CHARS = 10_000


def membership_of_author(field: str):
    """The commenter's membership column in the post's course, as a subquery of the same query."""
    return Subquery(
        Membership.objects.filter(course=OuterRef("post__course"), user=OuterRef("author")).values(field)[:1]
    )


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def visible_to(self, user):
        """What a reader may see in full: approved comments, and their own awaiting moderation."""
        if user.is_authenticated:
            return self.filter(
                Q(status=Comment.Status.APPROVED) | Q(status=Comment.Status.PENDING, author=user)
            )
        return self.approved()

    def for_thread(self, post):
        """Every comment of the post with what the thread shows, in ONE query.

        Spam and removed rows are loaded too: the thread keeps a placeholder where
        one of them has replies, and decides in Python who sees what.
        """
        return (
            self.filter(post=post)
            .select_related("author")
            .annotate(
                author_display_name=membership_of_author("display_name"),
                author_role=membership_of_author("role"),
            )
            .order_by("created_at", "pk")
        )

    def for_course_moderation(self):
        return self.select_related("post", "post__course", "author")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", pgettext_lazy("comment status", "Spam")
        REMOVED = "removed", _("Removed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments", verbose_name=_("post"))
    # Null for guests, who give a name and an email instead. PROTECT, like Post.author:
    # deleting an account must not silently take classmates' replies with it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("author"),
    )
    guest_name = models.CharField(max_length=80, blank=True, verbose_name=_("guest name"))
    guest_email = models.EmailField(blank=True, verbose_name=_("guest email"))
    # RESTRICT: a comment with replies cannot be deleted from under them (it is soft-removed),
    # yet deleting the whole post still takes its thread.
    parent = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("parent"),
    )
    # 1 for a top-level comment; bounded by the course's max_comment_depth.
    depth = models.PositiveSmallIntegerField(default=1, verbose_name=_("depth"))
    body = models.TextField(verbose_name=_("body"))
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))
    edited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("edited at"))
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("moderated at"))

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=False) | ~Q(guest_name=""),
                name="comment_has_author_or_guest_name",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=1) | Q(parent__isnull=False, depth__gt=1),
                name="comment_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "removed"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(GreaterThanOrEqual(Length("body"), 1), LessThanOrEqual(Length("body"), 10_000)),
                name="comment_body_1_to_10000_chars",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "status"], name="comment_post_status"),
        ]

    def __str__(self):
        return gettext("%(author)s on %(post)s") % {"author": self.author_name, "post": self.post}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._rendered_body = instance.__dict__.get("body")  # a stored row's body_html is its body's
        return instance

    def render_body(self) -> None:
        """Fill body_html from body. The services call it before they lock the post (rendering is
        the slow part of a comment), and save() then renders only a body changed since."""
        self.body_html = render_comment_markdown(self.body)
        self._rendered_body = self.body

    def save(self, *args, **kwargs):
        # Derived column of this row only; counts and emails belong to services.
        if getattr(self, "_rendered_body", None) != self.body:
            self.render_body()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_guest(self):
        return self.author_id is None

    @property
    def author_name(self):
        """Display name in the course (annotated by for_thread), or the guest's given name."""
        if self.is_guest:
            return self.guest_name
        name = getattr(self, "author_display_name", None)
        if name:
            return name
        membership = Membership.objects.filter(course_id=self.post.course_id, user_id=self.author_id).first()
        # Never the username (issue 18).
        return membership.display_name if membership else gettext(FORMER_MEMBER)

    @property
    def by_instructor(self):
        return getattr(self, "author_role", None) == Membership.Role.INSTRUCTOR

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class CommentRevision(models.Model):
    """An earlier version of a comment, kept when its author edits it (instructors can read them)."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("comment")
    )
    body = models.TextField(verbose_name=_("body"))
    # When this version was written (the comment's creation or its previous edit).
    written_at = models.DateTimeField(verbose_name=_("written at"))
    replaced_at = models.DateTimeField(auto_now_add=True, verbose_name=_("replaced at"))

    class Meta:
        verbose_name = _("comment revision")
        verbose_name_plural = _("comment revisions")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return gettext("Version of comment %(id)s from %(when)s") % {
            "id": self.comment_id,
            "when": f"{self.written_at:%Y-%m-%d %H:%M}",
        }

    @property
    def body_html(self):
        return render_comment_markdown(self.body)


class NotificationPreference(models.Model):
    """Which comment emails a user wants. No row means every kind is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_notification_preference",
        verbose_name=_("user"),
    )
    on_comment_on_my_post = models.BooleanField(default=True, verbose_name=_("Someone comments on my post"))
    on_reply = models.BooleanField(default=True, verbose_name=_("Someone replies to my comment"))
    on_approved = models.BooleanField(
        default=True, verbose_name=_("My comment held for moderation is approved")
    )
    on_moderation = models.BooleanField(
        default=True, verbose_name=_("A comment in a course I teach awaits moderation")
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user"]

    def __str__(self):
        return gettext("Comment emails for %(user)s") % {"user": self.user}

    def get_absolute_url(self):
        return reverse("comments:notification-settings")


class PostMute(models.Model):
    """The user wants no more comment emails about this post (the one-click link in each email)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_posts", verbose_name=_("user")
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+", verbose_name=_("post"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("post mute")
        verbose_name_plural = _("post mutes")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="one_mute_per_user_and_post")]

    def __str__(self):
        return gettext("%(user)s muted %(post)s") % {"user": self.user, "post": self.post}
