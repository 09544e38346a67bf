"""Who may give and revoke awards. Views, the admin and services all ask here."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cache import cached_fragment
from courses.permissions import ARCHIVED_MESSAGE, is_archived, is_instructor, membership_of

from .models import AwardType, EditorialTerm

REVOKE_WINDOW = datetime.timedelta(days=7)


class AwardRefused(PermissionDenied):
    """An award action the rules forbid. Views answer 403 with this message; the admin shows it."""


def on_team(user, course, day: datetime.date | None = None) -> bool:
    """The editorial team on a day: the instructors plus the members whose term covers that day."""
    if is_instructor(user, course):
        return True
    membership = membership_of(user, course)
    if membership is None:
        return False
    day = day or timezone.localdate()  # the site's time zone decides where a day ends
    return membership.pk in editorial_team(course, day)


def editorial_team(course, day: datetime.date) -> frozenset[int]:
    """Memberships whose term covers the day: one small set per course and day, kept in the course's cache."""
    return cached_fragment(
        course.slug,
        f"team:{day.isoformat()}",
        lambda: frozenset(
            EditorialTerm.objects.filter(course=course).covering(day).values_list("member", flat=True)
        ),
        nbytes=lambda team: 64 + 32 * len(team),
    )


def givable_types(user, course):
    """The course's award types this user may give today (none for people off the team)."""
    types = AwardType.objects.filter(course=course).exclude(given_by=AwardType.GivenBy.VOTE)
    if is_instructor(user, course):
        return types
    if on_team(user, course):
        return types.filter(given_by=AwardType.GivenBy.TEAM)
    return types.none()


def check_can_award_post(user, post) -> None:
    """The rules that hold whatever the award type: published, not one's own, on the team today."""
    if is_archived(post.course):
        raise AwardRefused(_(ARCHIVED_MESSAGE))
    if not post.is_live:
        raise AwardRefused(_("Only published posts can be awarded."))
    if user.is_authenticated and post.author_id == user.pk:
        raise AwardRefused(_("Nobody can award their own post."))
    if not on_team(user, post.course):
        raise AwardRefused(
            _("Only the editorial team can give awards, and students only on the days of their term.")
        )


def check_can_give(user, *, post, award_type) -> None:
    if award_type.course_id != post.course_id:
        raise AwardRefused(_("This award belongs to another course."))
    if award_type.given_by_vote:
        raise AwardRefused(
            _("The “%(award)s” is given by the class's vote, at the week's close.")
            % {"award": award_type.name}
        )
    check_can_award_post(user, post)
    if not award_type.team_may_give and not is_instructor(user, post.course):
        raise AwardRefused(_("Only instructors can give the “%(award)s”.") % {"award": award_type.name})


def can_award_post(user, post) -> bool:
    """Whether to show the award control on this post at all."""
    if not user.is_authenticated:
        return False
    try:
        check_can_award_post(user, post)
    except AwardRefused:
        return False
    return True


def check_can_revoke(user, award) -> None:
    if is_archived(award.post.course):
        raise AwardRefused(_(ARCHIVED_MESSAGE))
    if award.is_revoked:
        raise AwardRefused(_("This award was already revoked."))
    course = award.post.course  # the award type's course, by construction
    if is_instructor(user, course):
        return
    if user.is_authenticated and award.given_by_id == user.pk:
        if timezone.now() - award.given_at <= REVOKE_WINDOW:
            return
        raise AwardRefused(_("You can take back an award you gave only within 7 days. Ask an instructor."))
    raise AwardRefused(_("Only the course's instructors and the award's giver can revoke it."))


def can_revoke(user, award) -> bool:
    try:
        check_can_revoke(user, award)
    except AwardRefused:
        return False
    return True
