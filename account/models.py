"""The reader's own corner: when they last opened each course, and what happened to them since."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import Award
from comments.models import Comment
from courses.models import Membership
from posts.models import Post, live


class CourseVisit(models.Model):
    """When the member last opened the course's front page: "new since your last visit" counts from it.

    No row yet means the member has not come back since joining (Membership.joined_at).
    """

    membership = models.OneToOneField(
        Membership, verbose_name=gettext_lazy("membership"), on_delete=models.CASCADE, related_name="visit"
    )
    last_seen = models.DateTimeField(verbose_name=gettext_lazy("last seen"))

    class Meta:
        verbose_name = gettext_lazy("course visit")
        verbose_name_plural = gettext_lazy("course visits")
        ordering = ["-last_seen"]

    def __str__(self):
        return f"{self.membership} last seen {self.last_seen:%Y-%m-%d %H:%M}"


class NoticeQuerySet(models.QuerySet):
    def shown_to(self, user):
        """The user's notices about what they may still see.

        A notice is made only when its recipient may see what it is about, but
        that can change: the comment is removed or marked spam, the award
        revoked, the post unpublished, or the member leaves the course. Such
        notices drop out here (of the list and of the unread count) instead of
        being deleted by every app that changes those rows.
        """
        membership = Membership.objects.filter(course=OuterRef("post__course"), user=user).order_by()
        return self.filter(
            Exists(membership),
            live("post__")
            | Q(post__author=user)
            | Exists(membership.filter(role=Membership.Role.INSTRUCTOR)),
            Q(comment__isnull=True) | Q(comment__status=Comment.Status.APPROVED),
            Q(award__isnull=True) | Q(award__revoked_at__isnull=True),
            recipient=user,
        )

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_listing(self):
        """What the "What's new" page shows, in one query however many notices."""
        commenter = Membership.objects.filter(
            course=OuterRef("post__course"), user=OuterRef("comment__author")
        ).order_by()
        return (
            self.select_related("post__course", "comment__author", "award__award_type")
            .annotate(commenter_display_name=Subquery(commenter.values("display_name")[:1]))
            .defer(
                "post__body",
                "post__body_html",
                "post__excerpt",
                "comment__body",
                "comment__body_html",
                "award__note",
            )
            .order_by("-created_at", "-pk")
        )


class Notice(models.Model):
    """Something that happened to the reader: the in-site twin of the comment and award emails."""

    class Kind(models.TextChoices):
        COMMENT_ON_POST = "comment_on_post", gettext_lazy("A comment on your post")
        REPLY = "reply", gettext_lazy("A reply to your comment")
        APPROVED = "approved", gettext_lazy("Your held comment was approved")
        AWARD = "award", gettext_lazy("Your post was awarded")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(verbose_name=gettext_lazy("kind"), max_length=20, choices=Kind.choices)
    post = models.ForeignKey(
        Post, verbose_name=gettext_lazy("post"), on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=gettext_lazy("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    award = models.ForeignKey(
        Award,
        verbose_name=gettext_lazy("award"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), default=timezone.now)
    read_at = models.DateTimeField(verbose_name=gettext_lazy("read at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("notice")
        verbose_name_plural = gettext_lazy("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A comment approved, removed and approved again tells each reader once.
            models.UniqueConstraint(
                fields=["recipient", "kind", "comment"],
                condition=Q(comment__isnull=False),
                name="one_notice_per_recipient_kind_and_comment",
            ),
            models.UniqueConstraint(
                fields=["recipient", "award"],
                condition=Q(award__isnull=False),
                name="one_notice_per_recipient_and_award",
            ),
            models.CheckConstraint(
                condition=Q(kind="award", award__isnull=False, comment__isnull=True)
                | Q(
                    kind__in=["comment_on_post", "reply", "approved"],
                    comment__isnull=False,
                    award__isnull=True,
                ),
                name="notice_is_about_its_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_newest"),
            # The navigation's unread count reads only these rows.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_recipient_unread"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"

    def get_absolute_url(self):
        """Where the notice leads: the comment in its thread, or the awarded post."""
        url = self.post.get_absolute_url()
        if self.comment_id is not None:
            return f"{url}#comment-{self.comment_id}"
        return url

    @property
    def summary(self) -> str:
        """One line saying what happened, as the emails' subjects do (escaped where it is shown)."""
        title = self.post.title
        if self.kind == self.Kind.COMMENT_ON_POST:
            return _("%(name)s commented on your post “%(title)s”") % {
                "name": self.commenter_name,
                "title": title,
            }
        if self.kind == self.Kind.REPLY:
            return _("%(name)s replied to your comment on “%(title)s”") % {
                "name": self.commenter_name,
                "title": title,
            }
        if self.kind == self.Kind.APPROVED:
            return _("Your comment on “%(title)s” is now published") % {"title": title}
        return _("Your post “%(title)s” was awarded a “%(award)s”") % {
            "title": title,
            "award": self.award.award_type.name,
        }

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def commenter_name(self) -> str:
        """The commenter's display name in the course (annotated by for_listing), or the guest's name."""
        comment = self.comment
        if comment is None:
            return ""
        if comment.author_id is None:
            return comment.guest_name
        return getattr(self, "commenter_display_name", None) or comment.author.username
