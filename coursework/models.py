"""The course's week: prompts and their responses, Students' Choice votes, readers and the digest.

A week runs from Monday at midnight to the next Monday at midnight in the
course's time zone (Course.time_zone); coursework.weeks turns dates into weeks.
A week is named by its Monday (a date) in every row below.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Membership
from posts.markdown import render_post_markdown
from posts.models import Post


class Prompt(models.Model):
    """The instructor's directive for a week: what to write, due when, and how many classmates to answer."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="prompts", verbose_name=_("course")
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    slug = models.SlugField(max_length=220, verbose_name=_("slug"))
    body = models.TextField(help_text=_("Markdown, like a post."), verbose_name=_("body"))
    body_html = models.TextField(editable=False, blank=True)
    opens_at = models.DateTimeField(
        help_text=_("When students see the prompt (and are emailed about it)."), verbose_name=_("opens at")
    )
    due_at = models.DateTimeField(
        help_text=_("Responses published after this are late."), verbose_name=_("due at")
    )
    comments_required = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Comment on this many classmates' posts (0: no requirement)."),
        verbose_name=_("comments required"),
    )
    comments_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("The comments are due by this time (required if comments are)."),
        verbose_name=_("comments due at"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Set by `manage.py tick` once the opening email went out and once the due time passed:
    # each step runs once, however often the tick runs.
    opening_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("prompt")
        verbose_name_plural = _("prompts")
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="one_prompt_slug_per_course"),
            models.CheckConstraint(condition=Q(due_at__gt=F("opens_at")), name="prompt_due_after_it_opens"),
            models.CheckConstraint(
                condition=Q(comments_required=0) | Q(comments_due_at__isnull=False),
                name="prompt_comment_requirement_has_date",
            ),
        ]
        indexes = [models.Index(fields=["course", "opens_at", "due_at"], name="prompt_course_dates")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_post_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("coursework:prompt", kwargs={"course_slug": self.course.slug, "slug": self.slug})


class PromptResponse(models.Model):
    """A post written in response to a prompt (a post answers at most one)."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, related_name="prompt_response", verbose_name=_("post")
    )
    prompt = models.ForeignKey(
        Prompt, on_delete=models.CASCADE, related_name="responses", verbose_name=_("prompt")
    )

    class Meta:
        verbose_name = _("prompt response")
        verbose_name_plural = _("prompt responses")
        ordering = ["prompt", "post"]

    def __str__(self):
        return gettext("“%(post)s” answers “%(prompt)s”") % {"post": self.post, "prompt": self.prompt}


class Accommodation(models.Model):
    """An instructor's exception for one student and one prompt: excused, or a later due time."""

    prompt = models.ForeignKey(
        Prompt, on_delete=models.CASCADE, related_name="accommodations", verbose_name=_("prompt")
    )
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="accommodations", verbose_name=_("member")
    )
    excused = models.BooleanField(
        default=False, help_text=_("The student need not answer this prompt."), verbose_name=_("excused")
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text=_("This student's own due time."), verbose_name=_("due at")
    )
    reason = models.CharField(
        max_length=200, blank=True, help_text=_("Seen by instructors only."), verbose_name=_("reason")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(auto_now=True, verbose_name=_("granted at"))

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        ordering = ["prompt", "member"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "member"], name="one_accommodation_per_prompt_member"),
            models.CheckConstraint(
                condition=Q(excused=True) | Q(due_at__isnull=False), name="accommodation_excuses_or_extends"
            ),
        ]

    def __str__(self):
        names = {"name": self.member.display_name, "prompt": self.prompt}
        if self.excused:
            return gettext("%(name)s: excused for “%(prompt)s”") % names
        return gettext("%(name)s: due %(when)s for “%(prompt)s”") % {
            **names,
            "when": f"{self.due_at:%Y-%m-%d %H:%M}",
        }


class Vote(models.Model):
    """A student's Students' Choice vote for one post of the week; changed freely until the week closes."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="votes", verbose_name=_("course")
    )
    week = models.DateField(help_text=_("The Monday of the week voted on."), verbose_name=_("week"))
    voter = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="votes", verbose_name=_("voter")
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes", verbose_name=_("post"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["course", "week", "voter"]
        constraints = [
            models.UniqueConstraint(fields=["course", "week", "voter"], name="one_vote_per_week_and_voter"),
        ]
        indexes = [models.Index(fields=["course", "week", "post"], name="vote_tally")]

    def __str__(self):
        return gettext("%(name)s votes for “%(post)s” (%(week)s)") % {
            "name": self.voter.display_name,
            "post": self.post,
            "week": self.week,
        }


class ChoiceClose(models.Model):
    """A week whose Students' Choice vote has closed: at its end by `tick`, or early by an instructor."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="choice_closes", verbose_name=_("course")
    )
    week = models.DateField(verbose_name=_("week"))
    closed_at = models.DateTimeField(verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the week ended by itself."),
        verbose_name=_("closed by"),
    )
    votes_cast = models.PositiveIntegerField(default=0, verbose_name=_("votes cast"))

    class Meta:
        verbose_name = _("choice close")
        verbose_name_plural = _("choice closes")
        ordering = ["course", "-week"]
        constraints = [models.UniqueConstraint(fields=["course", "week"], name="one_close_per_course_week")]

    def __str__(self):
        return gettext("Students' Choice of %(course)s, week of %(week)s: closed") % {
            "course": self.course.slug,
            "week": self.week,
        }


class ReaderAssignment(models.Model):
    """A classmate's post a student is given to answer this week (Course.assign_readers)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="reader_assignments", verbose_name=_("course")
    )
    week = models.DateField(help_text=_("The Monday of the week the reading is for."), verbose_name=_("week"))
    reader = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="reader_assignments", verbose_name=_("reader")
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reader_assignments", verbose_name=_("post")
    )

    class Meta:
        verbose_name = _("reader assignment")
        verbose_name_plural = _("reader assignments")
        ordering = ["course", "-week", "reader", "post"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "reader", "post"], name="one_reading_per_week_reader_post"
            ),
        ]
        indexes = [models.Index(fields=["course", "week", "reader"], name="reader_assignment_week")]

    def __str__(self):
        return gettext("%(name)s reads “%(post)s” (%(week)s)") % {
            "name": self.reader.display_name,
            "post": self.post,
            "week": self.week,
        }


class Digest(models.Model):
    """The editorial team's weekly digest of a course: an introduction, featured posts, and the week."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="digests", verbose_name=_("course")
    )
    week = models.DateField(help_text=_("The Monday of the week the digest covers."), verbose_name=_("week"))
    introduction = models.TextField(blank=True, help_text=_("Markdown."), verbose_name=_("introduction"))
    introduction_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    featured = models.ManyToManyField(
        Post, through="DigestFeature", related_name="+", blank=True, verbose_name=_("featured")
    )

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["course", "-week"]
        constraints = [
            models.UniqueConstraint(fields=["course", "week"], name="one_digest_per_course_week"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_digest_has_date",
            ),
        ]

    def __str__(self):
        return gettext("Digest of %(course)s, week of %(week)s") % {
            "course": self.course.slug,
            "week": self.week,
        }

    def save(self, *args, **kwargs):
        self.introduction_html = render_post_markdown(self.introduction)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "introduction" in update_fields:
            kwargs["update_fields"] = {*update_fields, "introduction_html"}
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def get_absolute_url(self):
        return reverse(
            "coursework:digest", kwargs={"course_slug": self.course.slug, "week": self.week.isoformat()}
        )


class DigestFeature(models.Model):
    """A post the editors feature in a digest, in their order."""

    digest = models.ForeignKey(
        Digest, on_delete=models.CASCADE, related_name="features", verbose_name=_("digest")
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+", verbose_name=_("post"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("digest feature")
        verbose_name_plural = _("digest features")
        ordering = ["digest", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["digest", "post"], name="one_feature_per_digest_post")]

    def __str__(self):
        return gettext("%(post)s in %(digest)s") % {"post": self.post, "digest": self.digest}


class WeekEmailPreference(models.Model):
    """Which emails of the week a user wants. No row means every kind is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="week_email_preference",
        verbose_name=_("user"),
    )
    on_prompt_open = models.BooleanField(default=True, verbose_name=_("A new prompt opens in my course"))
    on_digest = models.BooleanField(default=True, verbose_name=_("The editors publish the weekly digest"))

    class Meta:
        verbose_name = _("week email preference")
        verbose_name_plural = _("week email preferences")
        ordering = ["user"]

    def __str__(self):
        return gettext("Week emails for %(user)s") % {"user": self.user}

    def get_absolute_url(self):
        return reverse("coursework:email-settings")
