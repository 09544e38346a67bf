import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


def site_time_zone() -> str:
    return settings.TIME_ZONE


# Consent to publish (issue 18): the words a student agrees to before the world reads them.
# Stored in each course when it is made: in the language of whoever makes it (English in tests).
DEFAULT_CONSENT_TEXT = gettext_noop(
    "I agree that my published posts in this course may be read by anyone on the web, under my "
    "display name in the course (never my username). I can take this back at any time: my posts are "
    "then for members of the course only, from the next page anyone opens."
)


def default_consent_text() -> str:
    return gettext(DEFAULT_CONSENT_TEXT)


# An author page's address names a membership by this, never by the username (issue 18).
AUTHOR_SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand


def new_author_slug() -> str:
    return "".join(secrets.choice(AUTHOR_SLUG_ALPHABET) for _ in range(10))


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            gettext("Choose a time zone by its region name, for example America/New_York or Europe/Moscow.")
        )


class CourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Courses this user may read: public ones, and members-only ones they belong to."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        public = Q(visibility=Course.Visibility.PUBLIC)
        if not user.is_authenticated:
            return self.filter(public)
        return self.filter(public | Q(memberships__user=user)).distinct()

    def taught_by(self, user):
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user, memberships__role=Membership.Role.INSTRUCTOR).distinct()


class Course(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone may read")
        MEMBERS = "members", _("Members only")

    class OnMemberDeletion(models.TextChoices):
        KEEP = "keep", _("Keep their posts, signed “a former member”")
        REMOVE = "remove", _("Remove their posts")

    class Accent(models.TextChoices):
        # The values are CSS class suffixes (accent-<value> on the page's body).
        CRIMSON = "crimson", pgettext_lazy("colour", "Crimson")
        BLUE = "blue", pgettext_lazy("colour", "Blue")
        GREEN = "green", pgettext_lazy("colour", "Green")
        PURPLE = "purple", pgettext_lazy("colour", "Purple")
        OCHRE = "ochre", pgettext_lazy("colour", "Ochre")
        TEAL = "teal", pgettext_lazy("colour", "Teal")
        SLATE = "slate", pgettext_lazy("colour", "Slate")

    slug = models.SlugField(verbose_name=_("slug"), max_length=60, unique=True)
    title = models.CharField(verbose_name=pgettext_lazy("a name, not a headline", "title"), max_length=200)
    term = models.CharField(
        verbose_name=_("term"), max_length=60, blank=True, help_text=_("For example: Fall 2026")
    )
    description = models.TextField(verbose_name=_("description"), blank=True)
    accent = models.CharField(
        verbose_name=_("accent"),
        max_length=10,
        choices=Accent.choices,
        default=Accent.CRIMSON,
        help_text=_("The colour of the course's pages."),
    )
    visibility = models.CharField(
        verbose_name=_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_code = models.CharField(
        verbose_name=_("join code"), max_length=16, unique=True, default=new_join_code
    )
    # Comment policy; the comments app reads these.
    moderate_first_comment = models.BooleanField(
        verbose_name=_("moderate first comment"),
        default=True,
        help_text=_("Hold a member's comments until an instructor has approved one of theirs."),
    )
    allow_guest_comments = models.BooleanField(
        verbose_name=_("allow guest comments"),
        default=False,
        help_text=_("On a public course, let visitors comment (always held)."),
    )
    max_comment_depth = models.PositiveSmallIntegerField(
        verbose_name=_("max comment depth"), default=5, help_text=_("How deep replies may nest.")
    )
    # The week's rhythm; the coursework app reads these.
    time_zone = models.CharField(
        verbose_name=_("time zone"),
        max_length=64,
        default=site_time_zone,
        validators=[validate_time_zone],
        help_text=_("Due dates and weeks (Monday to Sunday) are in this zone, for example America/New_York."),
    )
    assign_readers = models.BooleanField(
        verbose_name=_("assign readers"),
        default=False,
        help_text=_("Each week, give every student two classmates' posts of the week before to answer."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    consent_text = models.TextField(
        verbose_name=_("consent text"),
        default=default_consent_text,
        help_text=_(
            "In a public course, what a student agrees to before their posts are shown to anyone "
            "who is not a member. Each consent keeps the text it was given to."
        ),
    )
    # The term's end (the privacy app): an archived course is read only, for the same audience.
    archived_at = models.DateTimeField(
        verbose_name=_("archived at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the course was archived: read only since."),
    )
    on_member_deletion = models.CharField(
        verbose_name=_("on member deletion"),
        max_length=12,
        choices=OnMemberDeletion.choices,
        default=OnMemberDeletion.KEEP,
        help_text=_("What happens to a student's posts when they delete their account; they are told first."),
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_comment_depth__gte=1) & Q(max_comment_depth__lte=10),
                name="course_comment_depth_1_to_10",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.term})" if self.term else self.title

    def get_absolute_url(self):
        return reverse("posts:front", kwargs={"course_slug": self.slug})

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The course's time zone; the site's if the stored name is unknown to this machine."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class MembershipQuerySet(models.QuerySet):
    def instructors(self):
        return self.filter(role=Membership.Role.INSTRUCTOR)

    def students(self):
        return self.filter(role=Membership.Role.STUDENT)


class Membership(models.Model):
    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", _("Instructor")
        STUDENT = "student", _("Student")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(verbose_name=_("role"), max_length=12, choices=Role.choices, default=Role.STUDENT)
    display_name = models.CharField(
        verbose_name=_("display name"),
        max_length=80,
        help_text=_("Shown on your posts and comments. A pseudonym is fine."),
    )
    # The author page's address: random, so it tells nothing of the username or an earlier name.
    author_slug = models.SlugField(
        verbose_name=_("author slug"), max_length=20, default=new_author_slug, editable=False
    )
    # Set and cleared only by courses.consent (the student's own POST): the open PublishConsent's time.
    publish_consent_at = models.DateTimeField(
        verbose_name=_("publish consent at"), null=True, blank=True, editable=False
    )
    joined_at = models.DateTimeField(verbose_name=_("joined at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["course", "display_name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="one_membership_per_course"),
            models.UniqueConstraint(fields=["course", "author_slug"], name="one_author_slug_per_course"),
        ]

    def __str__(self):
        return f"{self.display_name} in {self.course.slug} ({self.role})"

    def save(self, *args, **kwargs):
        # A member who gave no name gets a pseudonym, never their username (issue 18).
        if not self.display_name.strip():
            self.display_name = default_pseudonym(self.role, self.author_slug)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "display_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "posts:author", kwargs={"course_slug": self.course.slug, "author_slug": self.author_slug}
        )

    @property
    def is_instructor(self):
        return self.role == self.Role.INSTRUCTOR

    @property
    def shown_to_world(self) -> bool:
        """May readers who are not members see this member's live posts (in a public course)?

        Instructors publish in their own name as teachers: their posts need no consent.
        A student's need the student's own consent, now. posts.models.consented() is the
        same rule in SQL.
        """
        return self.is_instructor or self.publish_consent_at is not None


def default_pseudonym(role: str, author_slug: str) -> str:
    """The name of a member who gave none: their role and a few letters of their author address."""
    label = Membership.Role(role).label if role in Membership.Role.values else gettext("Member")
    return f"{label} {author_slug[:4].upper()}"


class PublishConsent(models.Model):
    """A student's consent that their posts in a public course be read by anyone: what, who, when.

    Rows are the history: revoking closes the open row (revoked_at) and never
    deletes it. Only the student gives or revokes it, through courses.consent;
    Membership.publish_consent_at mirrors the open row for the queries.
    """

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="publish_consents"
    )
    text = models.TextField(
        verbose_name=_("text"), help_text=_("The course's consent text as the student was shown it.")
    )
    given_at = models.DateTimeField(verbose_name=pgettext_lazy("consent", "given at"))
    revoked_at = models.DateTimeField(verbose_name=_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("publish consent")
        verbose_name_plural = _("publish consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_consent_per_member",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("given_at")),
                name="consent_revoked_after_given",
            ),
        ]

    def __str__(self):
        state = f"revoked {self.revoked_at:%Y-%m-%d}" if self.revoked_at else "standing"
        return f"Consent of {self.membership_id} given {self.given_at:%Y-%m-%d} ({state})"

    @property
    def is_standing(self) -> bool:
        return self.revoked_at is None


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Invitation.Status.PENDING)


class Invitation(models.Model):
    """An instructor's offer of a place in a course to an existing account, which it accepts or not.

    A roster names people by username and email; an account that exists already
    is never enrolled on the instructor's word alone (it may be someone else's
    student, in a members-only course), it is invited and joins when it accepts.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="course_invitations",
    )
    display_name = models.CharField(
        verbose_name=_("display name"),
        max_length=80,
        help_text=_("The name the instructor proposed; the student may change it on accepting."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(verbose_name=_("answered at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # Importing the roster again re-sends the open invitation instead of adding one.
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_course_and_user",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", answered_at__isnull=True)
                | (~Q(status="pending") & Q(answered_at__isnull=False)),
                name="invitation_answered_when_not_pending",
            ),
        ]

    def __str__(self):
        return f"{self.user} invited to {self.course.slug} ({self.status})"

    def get_absolute_url(self):
        return reverse("courses:invitation", kwargs={"pk": self.pk})

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING
