import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


def site_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            "Choose a time zone by its region name, for example America/New_York or Europe/Moscow."
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
        PUBLIC = "public", "Public: anyone may read"
        MEMBERS = "members", "Members only"

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    term = models.CharField(max_length=60, blank=True, help_text="For example: Fall 2026")
    description = models.TextField(blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    join_code = models.CharField(max_length=16, unique=True, default=new_join_code)
    # Comment policy; the comments app reads these.
    moderate_first_comment = models.BooleanField(
        default=True,
        help_text="Hold a member's comments until an instructor has approved one of theirs.",
    )
    allow_guest_comments = models.BooleanField(
        default=False, help_text="On a public course, let visitors comment (always held)."
    )
    max_comment_depth = models.PositiveSmallIntegerField(default=5, help_text="How deep replies may nest.")
    # The week's rhythm; the coursework app reads these.
    time_zone = models.CharField(
        max_length=64,
        default=site_time_zone,
        validators=[validate_time_zone],
        help_text="Due dates and weeks (Monday to Sunday) are in this zone, for example America/New_York.",
    )
    assign_readers = models.BooleanField(
        default=False,
        help_text="Each week, give every student two classmates' posts of the week before to answer.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
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
        INSTRUCTOR = "instructor", "Instructor"
        STUDENT = "student", "Student"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.STUDENT)
    display_name = models.CharField(
        max_length=80, help_text="Shown on your posts and comments. A pseudonym is fine."
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["course", "display_name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="one_membership_per_course"),
        ]

    def __str__(self):
        return f"{self.display_name} in {self.course.slug} ({self.role})"

    def get_absolute_url(self):
        return reverse(
            "posts:author", kwargs={"course_slug": self.course.slug, "username": self.user.username}
        )

    @property
    def is_instructor(self):
        return self.role == self.Role.INSTRUCTOR


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
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_invitations"
    )
    display_name = models.CharField(
        max_length=80, help_text="The name the instructor proposed; the student may change it on accepting."
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
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
