"""The campus LMS link (LTI 1.3 Advantage): platforms, the tool's keys, linked courses, grades sent.

A platform (Canvas, Moodle...) is registered by a superuser; the tool signs
with its own RSA keys (`manage.py lti_keys`), published at the JWKS URL. An LMS
course (a "context") is linked to one of our courses; its placements
("resource links") point at the course or at one of its prompts.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from courses.models import Course
from coursework.models import Prompt


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, "" when it has none."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


class Platform(models.Model):
    """An LMS registered with the tool: what the platform's administrator gave us."""

    name = models.CharField(
        verbose_name=gettext_lazy("name"),
        max_length=100,
        help_text=gettext_lazy("For example: Canvas at Example University."),
    )
    issuer = models.CharField(
        verbose_name=gettext_lazy("issuer"),
        max_length=255,
        help_text=gettext_lazy("The platform's issuer (iss), e.g. https://canvas.instructure.com"),
    )
    client_id = models.CharField(
        verbose_name=gettext_lazy("client id"),
        max_length=255,
        help_text=gettext_lazy("The client id the platform gave the tool."),
    )
    auth_login_url = models.URLField(
        verbose_name=gettext_lazy("auth login url"),
        max_length=500,
        help_text=gettext_lazy("The platform's OIDC authorisation URL."),
    )
    auth_token_url = models.URLField(
        verbose_name=gettext_lazy("auth token url"),
        max_length=500,
        help_text=gettext_lazy("The platform's OAuth 2 token URL."),
    )
    auth_audience = models.CharField(
        verbose_name=gettext_lazy("auth audience"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy("Audience of token requests, if not the token URL (some platforms)."),
    )
    key_set_url = models.URLField(
        verbose_name=gettext_lazy("key set url"),
        max_length=500,
        help_text=gettext_lazy("The platform's public keys (JWKS URL)."),
    )
    frame_origins = models.TextField(
        verbose_name=gettext_lazy("frame origins"),
        blank=True,
        help_text=gettext_lazy(
            "Origins whose pages may show the tool in a frame, one a line "
            "(e.g. https://school.instructure.com). Empty: the issuer's origin."
        ),
    )
    match_by_email = models.BooleanField(
        verbose_name=gettext_lazy("match by email"),
        default=True,
        help_text=gettext_lazy(
            "Link a first launch to an existing account with the same email address (never a superuser's)."
        ),
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("platform")
        verbose_name_plural = gettext_lazy("platforms")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="one_platform_per_client")
        ]

    def __str__(self):
        return self.name

    @property
    def allowed_frame_origins(self) -> list[str]:
        listed = [origin_of(line) for line in self.frame_origins.splitlines()]
        return [o for o in listed if o] or [o for o in [origin_of(self.issuer)] if o]


class Deployment(models.Model):
    """A deployment id of the tool on a platform: launches from any other are refused."""

    platform = models.ForeignKey(
        Platform, verbose_name=gettext_lazy("platform"), on_delete=models.CASCADE, related_name="deployments"
    )
    deployment_id = models.CharField(verbose_name=gettext_lazy("deployment id"), max_length=255)

    class Meta:
        verbose_name = gettext_lazy("deployment")
        verbose_name_plural = gettext_lazy("deployments")
        ordering = ["platform", "deployment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="one_deployment_id_per_platform"
            )
        ]

    def __str__(self):
        return f"{self.platform}: {self.deployment_id}"


class ToolKeyQuerySet(models.QuerySet):
    def published(self, now=None):
        """The active key and those rotated out less than LTI_KEY_OVERLAP_DAYS ago (tokens in flight)."""
        now = now or timezone.now()
        overlap = timezone.timedelta(days=getattr(settings, "LTI_KEY_OVERLAP_DAYS", 7))
        return self.filter(Q(active=True) | Q(rotated_at__gt=now - overlap))


class ToolKey(models.Model):
    """One of the tool's RSA key pairs; the active one signs, rotated ones stay published a while."""

    kid = models.CharField(verbose_name=gettext_lazy("kid"), max_length=100, unique=True)
    private_pem = models.TextField(verbose_name=gettext_lazy("private pem"), editable=False)
    public_jwk = models.JSONField(verbose_name=gettext_lazy("public jwk"), editable=False)
    active = models.BooleanField(verbose_name=gettext_lazy("active"), default=True)
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(verbose_name=gettext_lazy("rotated at"), null=True, blank=True)

    objects = ToolKeyQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("tool key")
        verbose_name_plural = gettext_lazy("tool keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="one_active_tool_key"),
            models.CheckConstraint(
                condition=Q(active=True, rotated_at__isnull=True) | Q(active=False, rotated_at__isnull=False),
                name="rotated_tool_key_says_when",
            ),
        ]

    def __str__(self):
        return f"{self.kid} ({'active' if self.active else 'rotated'})"


class CourseLink(models.Model):
    """An LMS course (platform + context id) linked to one of our courses, and how its grades are scored."""

    platform = models.ForeignKey(
        Platform, verbose_name=gettext_lazy("platform"), on_delete=models.CASCADE, related_name="course_links"
    )
    context_id = models.CharField(verbose_name=gettext_lazy("context id"), max_length=255)
    context_title = models.CharField(verbose_name=gettext_lazy("context title"), max_length=255, blank=True)
    course = models.ForeignKey(
        Course, verbose_name=gettext_lazy("course"), on_delete=models.CASCADE, related_name="lti_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # From the launches' service claims: where the roster and the gradebook are.
    memberships_url = models.URLField(
        verbose_name=gettext_lazy("memberships url"), max_length=500, blank=True, editable=False
    )
    lineitems_url = models.URLField(
        verbose_name=gettext_lazy("lineitems url"), max_length=500, blank=True, editable=False
    )
    ags_scopes = models.JSONField(
        verbose_name=gettext_lazy("ags scopes"), default=list, blank=True, editable=False
    )
    # The participation score of a prompt: points for the response, and for the comments asked.
    points_on_time = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("points on time"),
        default=10,
        help_text=gettext_lazy("A response published on time."),
    )
    points_late = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("points late"),
        default=5,
        help_text=gettext_lazy("A response published late."),
    )
    points_missing = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("points missing"),
        default=0,
        help_text=gettext_lazy("No response by the due time."),
    )
    points_comments = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("points comments"),
        default=5,
        help_text=gettext_lazy(
            "All the comments a prompt asks for (shared out per comment); prompts asking none leave it out."
        ),
    )
    roster_synced_at = models.DateTimeField(
        verbose_name=gettext_lazy("roster synced at"), null=True, blank=True, editable=False
    )
    roster_error = models.TextField(verbose_name=gettext_lazy("roster error"), blank=True, editable=False)
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("course link")
        verbose_name_plural = gettext_lazy("course links")
        ordering = ["course", "context_title"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="one_link_per_lms_course"),
            models.CheckConstraint(
                condition=Q(points_late__lte=models.F("points_on_time"))
                & Q(points_missing__lte=models.F("points_late")),
                name="lti_points_on_time_late_missing_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.context_title or self.context_id} → {self.course}"


class ResourceLink(models.Model):
    """A placement of the tool in an LMS course: it opens the course's front, or one prompt."""

    course_link = models.ForeignKey(
        CourseLink,
        verbose_name=gettext_lazy("course link"),
        on_delete=models.CASCADE,
        related_name="resource_links",
    )
    resource_link_id = models.CharField(verbose_name=gettext_lazy("resource link id"), max_length=255)
    title = models.CharField(
        verbose_name=pgettext_lazy("a name, not a headline", "title"), max_length=255, blank=True
    )
    prompt = models.ForeignKey(
        Prompt,
        verbose_name=gettext_lazy("prompt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = gettext_lazy("resource link")
        verbose_name_plural = gettext_lazy("resource links")
        ordering = ["course_link", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["course_link", "resource_link_id"], name="one_resource_link_per_id"
            )
        ]

    def __str__(self):
        return self.title or self.resource_link_id


class LtiIdentity(models.Model):
    """A platform's stable user id (sub) for one of our accounts."""

    platform = models.ForeignKey(
        Platform, verbose_name=gettext_lazy("platform"), on_delete=models.CASCADE, related_name="identities"
    )
    sub = models.CharField(verbose_name=gettext_lazy("sub"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("user"),
        on_delete=models.CASCADE,
        related_name="lti_identities",
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)
    last_launch_at = models.DateTimeField(verbose_name=gettext_lazy("last launch at"), null=True, blank=True)

    class Meta:
        ordering = ["platform", "sub"]
        verbose_name = gettext_lazy("lti identity")
        verbose_name_plural = gettext_lazy("LTI identities")
        constraints = [
            models.UniqueConstraint(fields=["platform", "sub"], name="one_account_per_platform_sub"),
            models.UniqueConstraint(fields=["platform", "user"], name="one_sub_per_platform_account"),
        ]

    def __str__(self):
        return f"{self.platform}: {self.sub} → {self.user}"


class LineItem(models.Model):
    """A prompt's column in the LMS gradebook, and when its scores were last sent."""

    course_link = models.ForeignKey(
        CourseLink,
        verbose_name=gettext_lazy("course link"),
        on_delete=models.CASCADE,
        related_name="line_items",
    )
    prompt = models.ForeignKey(
        Prompt, verbose_name=gettext_lazy("prompt"), on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(
        verbose_name=gettext_lazy("url"),
        max_length=500,
        help_text=gettext_lazy("The line item's id at the platform."),
    )
    score_maximum = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("score maximum"))
    sent_at = models.DateTimeField(verbose_name=gettext_lazy("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("line item")
        verbose_name_plural = gettext_lazy("line items")
        ordering = ["course_link", "prompt"]
        constraints = [
            models.UniqueConstraint(fields=["course_link", "prompt"], name="one_line_item_per_prompt_link")
        ]

    def __str__(self):
        return f"{self.prompt} ({self.course_link})"


class GradeSync(models.Model):
    """The last participation score sent (or tried) for one student on one line item."""

    class Status(models.TextChoices):
        SENT = "sent", gettext_lazy("Sent")
        FAILED = "failed", gettext_lazy("Failed")

    line_item = models.ForeignKey(
        LineItem, verbose_name=gettext_lazy("line item"), on_delete=models.CASCADE, related_name="grades"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    standing = models.CharField(verbose_name=gettext_lazy("standing"), max_length=40)
    comments_counted = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("comments counted"), default=0
    )
    score_given = models.DecimalField(
        verbose_name=gettext_lazy("score given"), max_digits=7, decimal_places=2
    )
    score_maximum = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("score maximum"))
    status = models.CharField(verbose_name=gettext_lazy("status"), max_length=10, choices=Status.choices)
    error = models.TextField(verbose_name=gettext_lazy("error"), blank=True)
    attempted_at = models.DateTimeField(verbose_name=gettext_lazy("attempted at"))

    class Meta:
        ordering = ["line_item", "user"]
        verbose_name = gettext_lazy("grade sent")
        verbose_name_plural = gettext_lazy("grades sent")
        constraints = [
            models.UniqueConstraint(fields=["line_item", "user"], name="one_grade_row_per_student")
        ]

    def __str__(self):
        return (
            f"{self.user}: {self.score_given}/{self.score_maximum} on {self.line_item.prompt} ({self.status})"
        )


class LaunchState(models.Model):
    """pylti1p3's short-lived launch data (nonces, states, launches) in the database.

    In the database rather than the cache: every app server sees it, and a
    nonce is used up by one DELETE, so two replays of a launch cannot both pass.
    """

    key = models.CharField(verbose_name=gettext_lazy("key"), max_length=255, unique=True)
    value = models.JSONField(verbose_name=gettext_lazy("value"))
    expires_at = models.DateTimeField(verbose_name=gettext_lazy("expires at"), db_index=True)

    class Meta:
        verbose_name = gettext_lazy("launch state")
        verbose_name_plural = gettext_lazy("launch states")
        ordering = ["expires_at"]

    def __str__(self):
        return self.key
