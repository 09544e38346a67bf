"""A post or a comment linking to another post of the same course: the linked post's "Mentioned in".

Rows follow the links in the source's body_html (mentions/services.py, on every
save); what a page shows is decided again when it is read (shown_on), so a
source unpublished, held or removed drops out at once, whatever the rows say.
"""

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from courses.models import Membership
from posts.models import Post


class MentionQuerySet(models.QuerySet):
    def shown_on(self, post, *, members: bool = True):
        """The mentions of `post` that its page's readers may see, newest first, in ONE query.

        A linking post must be live, a linking comment approved and on a live
        post, both in the post's own course (which the reader of its page may
        read). For readers who are not members (members=False) the posts must
        also be public ones (consenting authors, issue 18). Nothing else depends
        on who reads, so each of the two lists can be shared.
        """
        live_here = (Post.objects.published() if members else Post.objects.public()).filter(
            course_id=post.course_id
        )
        from_live_post = Exists(live_here.filter(pk=OuterRef("source_post_id")))
        from_approved_comment = Exists(
            Comment.objects.approved()
            .filter(pk=OuterRef("source_comment_id"))
            .filter(Exists(live_here.filter(pk=OuterRef("post_id"))))
        )
        commenter_name = Membership.objects.filter(
            course_id=post.course_id, user_id=OuterRef("source_comment__author_id")
        ).values("display_name")[:1]
        return (
            self.filter(target=post)
            .filter(from_live_post | from_approved_comment)
            .select_related("source_post", "source_comment__post", "source_comment__author")
            # The list shows titles and names: leave the bodies in the database.
            .defer(
                "source_post__body",
                "source_post__body_html",
                "source_post__excerpt",
                "source_comment__body",
                "source_comment__body_html",
                "source_comment__post__body",
                "source_comment__post__body_html",
                "source_comment__post__excerpt",
                "source_comment__author__password",
            )
            .annotate(
                shown_at=Coalesce("source_post__published_at", "source_comment__created_at"),
                commenter_display_name=Subquery(commenter_name),
            )
            .order_by("-shown_at", "-pk")
        )


class Mention(models.Model):
    """`source_post` or `source_comment` (exactly one) links to `target`, a post of the same course."""

    target = models.ForeignKey(Post, verbose_name=_("target"), on_delete=models.CASCADE, related_name="+")
    source_post = models.ForeignKey(
        Post, verbose_name=_("source post"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_comment = models.ForeignKey(
        Comment,
        verbose_name=_("source comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    objects = MentionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["target_id", "pk"]  # the column: "target" would join posts for their order
        constraints = [
            models.CheckConstraint(
                condition=Q(source_post__isnull=False, source_comment__isnull=True)
                | Q(source_post__isnull=True, source_comment__isnull=False),
                name="mention_has_one_source",
            ),
            # A post linking to itself is not a mention (a null source_post passes: a comment).
            models.CheckConstraint(condition=~Q(source_post=F("target")), name="mention_not_of_itself"),
            models.UniqueConstraint(
                fields=["source_post", "target"],
                condition=Q(source_post__isnull=False),
                name="one_mention_per_post_and_target",
            ),
            models.UniqueConstraint(
                fields=["source_comment", "target"],
                condition=Q(source_comment__isnull=False),
                name="one_mention_per_comment_and_target",
            ),
        ]

    def __str__(self):
        source = f"post {self.source_post_id}" if self.source_post_id else f"comment {self.source_comment_id}"
        return f"{source} mentions post {self.target_id}"

    @property
    def source(self):
        return self.source_post if self.source_post_id else self.source_comment

    def get_absolute_url(self):
        """Where the mention is: the linking post, or the linking comment's place in its thread."""
        return self.source.get_absolute_url()
