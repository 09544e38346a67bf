"""Award types of a course, the awards given to posts, and who is on the editorial team when."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Membership
from posts.models import Post

DEFAULT_BANNER_WORDING = "This post was awarded a “{name}” from the editorial team."
HEX_COLOUR_REGEX = r"^#[0-9A-Fa-f]{6}$"


class Symbol(models.TextChoices):
    """The built-in symbols; each is drawn by awards.symbols, never uploaded."""

    STAR = "star", _("Star")
    LAUREL = "laurel", _("Laurel")
    FLAME = "flame", _("Flame")
    MEDAL = "medal", _("Medal")
    FEATHER = "feather", _("Feather")
    HEART = "heart", _("Heart")


class AwardType(models.Model):
    class GivenBy(models.TextChoices):
        TEAM = "team", _("The editorial team")
        INSTRUCTORS = "instructors", _("Instructors only")
        # Nobody gives it by hand: the week's close gives it to the class's choice (coursework).
        VOTE = "vote", _("The class, by vote")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="award_types"
    )
    name = models.CharField(verbose_name=_("name"), max_length=60)
    slug = models.SlugField(verbose_name=_("slug"), max_length=60)
    symbol = models.CharField(
        verbose_name=_("symbol"), max_length=12, choices=Symbol.choices, default=Symbol.STAR
    )
    colour = models.CharField(
        verbose_name=_("colour"),
        max_length=7,
        default="#b71c1c",
        validators=[RegexValidator(HEX_COLOUR_REGEX, _("Enter a colour as #rrggbb, for example #b71c1c."))],
        help_text=_("A #rrggbb colour for the symbol."),
    )
    description = models.TextField(verbose_name=_("description"), blank=True)
    banner_wording = models.CharField(
        verbose_name=_("banner wording"),
        max_length=200,
        default=DEFAULT_BANNER_WORDING,
        help_text=_("Shown at the top of an awarded post. {name} is replaced by the award's name."),
    )
    given_by = models.CharField(
        verbose_name=pgettext_lazy("who may give an award type", "given by"),
        max_length=12,
        choices=GivenBy.choices,
        default=GivenBy.TEAM,
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["course", "name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="one_award_type_slug_per_course"),
            models.CheckConstraint(
                condition=Q(colour__regex=HEX_COLOUR_REGEX), name="award_type_colour_is_hex"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        url = reverse("awards:hall-of-fame", kwargs={"course_slug": self.course.slug})
        return f"{url}?type={self.slug}"

    @property
    def banner_text(self) -> str:
        # A plain replace, not str.format: the wording is written by a user.
        return self.banner_wording.replace("{name}", self.name)

    @property
    def team_may_give(self) -> bool:
        return self.given_by == self.GivenBy.TEAM

    @property
    def given_by_vote(self) -> bool:
        return self.given_by == self.GivenBy.VOTE


class AwardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_display(self):
        return self.select_related("award_type__course").order_by("given_at", "pk")

    def in_hall_of_fame(self, course):
        """Standing awards on the course's published posts."""
        return self.active().filter(
            award_type__course=course, post__in=Post.objects.published().filter(course=course)
        )


class Award(models.Model):
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="awards")
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award type"), on_delete=models.PROTECT, related_name="awards"
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="awards_given",
    )
    note = models.TextField(
        verbose_name=_("note"),
        max_length=500,
        blank=True,
        help_text=_("Why this post, in a sentence or two."),
    )
    note_public = models.BooleanField(
        verbose_name=_("note public"), default=False, help_text=_("Show the note under the banner.")
    )
    given_at = models.DateTimeField(verbose_name=_("given at"), default=timezone.now, db_index=True)
    revoked_at = models.DateTimeField(verbose_name=_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards_revoked",
    )

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-given_at", "-pk"]
        constraints = [
            # Only standing awards count: a revoked award keeps its row as history,
            # and the type can be given to the post again.
            models.UniqueConstraint(
                fields=["post", "award_type"],
                condition=Q(revoked_at__isnull=True),
                name="one_standing_award_of_a_type_per_post",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="revoked_award_says_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["post", "revoked_at"], name="award_post_standing")]

    def __str__(self):
        return f"{self.award_type} for “{self.post}”"

    def get_absolute_url(self):
        return self.post.get_absolute_url()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class EditorialTermQuerySet(models.QuerySet):
    def covering(self, day: datetime.date):
        return self.filter(starts__lte=day, ends__gte=day)

    def current(self):
        return self.covering(timezone.localdate())


class EditorialTerm(models.Model):
    """A member on the course's editorial team from `starts` to `ends`, both days included."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="editorial_terms"
    )
    member = models.ForeignKey(
        Membership, verbose_name=_("member"), on_delete=models.CASCADE, related_name="editorial_terms"
    )
    starts = models.DateField(_("first day"))
    ends = models.DateField(_("last day"))

    objects = EditorialTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("editorial term")
        verbose_name_plural = _("editorial terms")
        ordering = ["course", "-starts", "member"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")), name="term_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        return f"{self.member.display_name}: {self.starts:%Y-%m-%d} to {self.ends:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.starts and self.ends and self.ends < self.starts:
            errors["ends"] = gettext("The last day cannot be before the first day.")
        if self.member_id and self.course_id and self.member.course_id != self.course_id:
            errors["member"] = gettext("Choose a member of this course.")
        if errors:
            raise ValidationError(errors)

    def covers(self, day: datetime.date) -> bool:
        return self.starts <= day <= self.ends
