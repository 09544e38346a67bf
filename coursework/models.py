"""The course's week: prompts and their responses, Students' Choice votes, readers and the digest.

A week runs from Monday at midnight to the next Monday at midnight in the
course's time zone (Course.time_zone); coursework.weeks turns dates into weeks.
A week is named by its Monday (a date) in every row below.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from courses.models import Course, Membership
from posts.markdown import render_post_markdown
from posts.models import Post


class Prompt(models.Model):
    """The instructor's directive for a week: what to write, due when, and how many classmates to answer."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="prompts")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220)
    body = models.TextField(help_text="Markdown, like a post.")
    body_html = models.TextField(editable=False, blank=True)
    opens_at = models.DateTimeField(help_text="When students see the prompt (and are emailed about it).")
    due_at = models.DateTimeField(help_text="Responses published after this are late.")
    comments_required = models.PositiveSmallIntegerField(
        default=0, help_text="Comment on this many classmates' posts (0: no requirement)."
    )
    comments_due_at = models.DateTimeField(
        null=True, blank=True, help_text="The comments are due by this time (required if comments are)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by `manage.py tick` once the opening email went out and once the due time passed:
    # each step runs once, however often the tick runs.
    opening_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
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

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="prompt_response")
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="responses")

    class Meta:
        ordering = ["prompt", "post"]

    def __str__(self):
        return f"“{self.post}” answers “{self.prompt}”"


class Accommodation(models.Model):
    """An instructor's exception for one student and one prompt: excused, or a later due time."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="accommodations")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="accommodations")
    excused = models.BooleanField(default=False, help_text="The student need not answer this prompt.")
    due_at = models.DateTimeField(null=True, blank=True, help_text="This student's own due time.")
    reason = models.CharField(max_length=200, blank=True, help_text="Seen by instructors only.")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["prompt", "member"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "member"], name="one_accommodation_per_prompt_member"),
            models.CheckConstraint(
                condition=Q(excused=True) | Q(due_at__isnull=False), name="accommodation_excuses_or_extends"
            ),
        ]

    def __str__(self):
        what = "excused" if self.excused else f"due {self.due_at:%Y-%m-%d %H:%M}"
        return f"{self.member.display_name}: {what} for “{self.prompt}”"


class Vote(models.Model):
    """A student's Students' Choice vote for one post of the week; changed freely until the week closes."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="votes")
    week = models.DateField(help_text="The Monday of the week voted on.")
    voter = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="votes")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "week", "voter"]
        constraints = [
            models.UniqueConstraint(fields=["course", "week", "voter"], name="one_vote_per_week_and_voter"),
        ]
        indexes = [models.Index(fields=["course", "week", "post"], name="vote_tally")]

    def __str__(self):
        return f"{self.voter.display_name} votes for “{self.post}” ({self.week})"


class ChoiceClose(models.Model):
    """A week whose Students' Choice vote has closed: at its end by `tick`, or early by an instructor."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="choice_closes")
    week = models.DateField()
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the week ended by itself.",
    )
    votes_cast = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "-week"]
        constraints = [models.UniqueConstraint(fields=["course", "week"], name="one_close_per_course_week")]

    def __str__(self):
        return f"Students' Choice of {self.course.slug}, week of {self.week}: closed"


class ReaderAssignment(models.Model):
    """A classmate's post a student is given to answer this week (Course.assign_readers)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reader_assignments")
    week = models.DateField(help_text="The Monday of the week the reading is for.")
    reader = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reader_assignments")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reader_assignments")

    class Meta:
        ordering = ["course", "-week", "reader", "post"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "reader", "post"], name="one_reading_per_week_reader_post"
            ),
        ]
        indexes = [models.Index(fields=["course", "week", "reader"], name="reader_assignment_week")]

    def __str__(self):
        return f"{self.reader.display_name} reads “{self.post}” ({self.week})"


class Digest(models.Model):
    """The editorial team's weekly digest of a course: an introduction, featured posts, and the week."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="digests")
    week = models.DateField(help_text="The Monday of the week the digest covers.")
    introduction = models.TextField(blank=True, help_text="Markdown.")
    introduction_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    featured = models.ManyToManyField(Post, through="DigestFeature", related_name="+", blank=True)

    class Meta:
        ordering = ["course", "-week"]
        constraints = [
            models.UniqueConstraint(fields=["course", "week"], name="one_digest_per_course_week"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_digest_has_date",
            ),
        ]

    def __str__(self):
        return f"Digest of {self.course.slug}, week of {self.week}"

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

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="features")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["digest", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["digest", "post"], name="one_feature_per_digest_post")]

    def __str__(self):
        return f"{self.post} in {self.digest}"


class WeekEmailPreference(models.Model):
    """Which emails of the week a user wants. No row means every kind is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="week_email_preference"
    )
    on_prompt_open = models.BooleanField(default=True, verbose_name="A new prompt opens in my course")
    on_digest = models.BooleanField(default=True, verbose_name="The editors publish the weekly digest")

    class Meta:
        ordering = ["user"]

    def __str__(self):
        return f"Week emails for {self.user}"

    def get_absolute_url(self):
        return reverse("coursework:email-settings")
