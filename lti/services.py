"""What a launch, a roster sync and a grade passback change: accounts, memberships, grades sent.

Views, admin actions and the tick call these functions.
"""

import datetime
import logging
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import requests
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem as LtiLineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from comments.models import Comment
from courses.models import Course, Membership
from courses.services import instructor_access_sync
from coursework import prompts as prompt_rules
from coursework.models import Prompt

from .keys import NoToolKey
from .models import CourseLink, GradeSync, LineItem, LtiIdentity, Platform
from .tool import TimeoutSession, ToolRegistration

logger = logging.getLogger(__name__)
User = get_user_model()

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_READ_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
PARTICIPATION_TAG = "coursesite-participation"

# Course roles only (the context's "membership" vocabulary, or its short names): an institution's
# or system's "Instructor" says nothing about this course.
_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
INSTRUCTOR_ROLES = {
    f"{_MEMBERSHIP}#Instructor",
    f"{_MEMBERSHIP}/Instructor#TeachingAssistant",
    f"{_MEMBERSHIP}#TeachingAssistant",
    "Instructor",
    "TeachingAssistant",
}
LEARNER_ROLES = {f"{_MEMBERSHIP}#Learner", f"{_MEMBERSHIP}/Learner#Learner", "Learner"}


def course_role(roles) -> str | None:
    """Our role for a list of LTI roles: instructor wins over student; None for neither."""
    roles = set(roles or [])
    if roles & INSTRUCTOR_ROLES:
        return Membership.Role.INSTRUCTOR
    if roles & LEARNER_ROLES:
        return Membership.Role.STUDENT
    return None


# --- Accounts ---------------------------------------------------------------------------------


def _free_username(*candidates: str) -> str:
    for candidate in candidates:
        base = re.sub(r"[^\w.@+-]", "", candidate or "")[:140]
        if base:
            break
    else:
        base = "lms-user"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}{n}"
    return name


def user_for_person(*, platform: Platform, sub: str, email: str = "", name: str = "", given_name: str = ""):
    """The account of the platform's user `sub`: known already, by email, or made now.

    An account found by email is linked only when the platform is trusted to vouch for
    addresses (Platform.match_by_email), never a superuser's, and never one linked to
    another `sub` of the same platform. A new account has no usable password: it logs
    in through the LMS (or chooses one by "forgot password").
    """
    identity = LtiIdentity.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if identity is not None:
        return identity.user
    email = (email or "").strip()
    user = None
    if email and platform.match_by_email:
        user = (
            User.objects.filter(email__iexact=email, is_superuser=False, is_active=True)
            .exclude(lti_identities__platform=platform)
            .order_by("pk")
            .first()
        )
    try:
        with transaction.atomic():
            if user is None:
                address_free = email and not User.objects.filter(email__iexact=email).exists()
                user = User(
                    username=_free_username(email.split("@")[0], given_name, name),
                    email=email if address_free else "",
                    first_name=(given_name or "")[:150],
                )
                user.set_unusable_password()
                user.save()
            LtiIdentity.objects.create(platform=platform, sub=sub, user=user)
    except IntegrityError:  # the same person's second launch raced this one
        return LtiIdentity.objects.select_related("user").get(platform=platform, sub=sub).user
    return user


def membership_ensure(*, course: Course, user, role: str, display_name: str = "") -> Membership:
    """The user's membership with at least `role`: the LMS may promote a student, never demote here."""
    membership, created = Membership.objects.get_or_create(
        course=course,
        user=user,
        defaults={"role": role, "display_name": (display_name or user.username)[:80]},
    )
    if not created and role == Membership.Role.INSTRUCTOR and not membership.is_instructor:
        membership.role = role
        membership.save(update_fields=["role"])
        created = True
    if created and role == Membership.Role.INSTRUCTOR:
        instructor_access_sync(user=user)
    return membership


# --- Course links -----------------------------------------------------------------------------


class LinkRefused(Exception):
    """The course cannot be linked as asked; the message says why."""


def course_link_create(*, platform: Platform, context: dict, course: Course, by) -> CourseLink:
    if not Course.objects.taught_by(by).filter(pk=course.pk).exists():
        raise LinkRefused(_("You can link only a course you teach."))
    context_id = str(context.get("id") or "")
    if not context_id:
        raise LinkRefused(_("The LMS did not say which of its courses this is."))
    link, created = CourseLink.objects.get_or_create(
        platform=platform,
        context_id=context_id,
        defaults={"course": course, "context_title": str(context.get("title") or "")[:255], "linked_by": by},
    )
    if not created and link.course_id != course.pk:
        raise LinkRefused(_("This LMS course is linked to %(course)s already.") % {"course": link.course})
    return link


def link_services_update(*, link: CourseLink, claims: dict) -> None:
    """Remember where the platform keeps the roster and the gradebook (the launch's service claims)."""
    nrps = claims.get(NRPS_CLAIM) or {}
    ags = claims.get(AGS_CLAIM) or {}
    changes = {
        "memberships_url": str(nrps.get("context_memberships_url") or link.memberships_url),
        "lineitems_url": str(ags.get("lineitems") or link.lineitems_url),
        "ags_scopes": list(ags.get("scope") or link.ags_scopes),
    }
    changed = [name for name, value in changes.items() if getattr(link, name) != value]
    for name in changed:
        setattr(link, name, changes[name])
    if changed:
        link.save(update_fields=changed)


def _connector(platform: Platform) -> ServiceConnector:
    return ServiceConnector(ToolRegistration(platform), TimeoutSession())


# --- Names and Roles: the roster --------------------------------------------------------------


class SyncFailed(Exception):
    """The platform could not be asked; the message is stored on the link and shown in the admin."""


@dataclass
class RosterResult:
    joined: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    members: int = 0

    def __str__(self):
        # One English form for every count, as it always read; Russian agrees with the first number.
        return ngettext(
            "%(members)s on the LMS roster; %(joined)s joined, %(dropped)s dropped",
            "%(members)s on the LMS roster; %(joined)s joined, %(dropped)s dropped",
            self.members,
        ) % {"members": self.members, "joined": len(self.joined), "dropped": len(self.dropped)}


def roster_sync(*, link: CourseLink) -> RosterResult:
    """Students and instructors of the LMS course join ours; students the LMS dropped leave.

    Only accounts known to this platform leave (a student who joined with the course's
    code stays), and only students. Leaving deletes the membership, the way the admin
    removes a member: the student's posts and comments stay, under their username.
    """
    if not link.memberships_url:
        raise SyncFailed(_("The LMS has not offered its roster (Names and Roles) in a launch yet."))
    if link.course.archived_at is not None:
        raise SyncFailed(_("The course is archived: its roster stays as the term left it."))
    try:
        service = NamesRolesProvisioningService(
            _connector(link.platform), {"context_memberships_url": link.memberships_url}
        )
        members = service.get_members()
    except (LtiException, requests.RequestException, NoToolKey, ValueError, KeyError, TypeError) as error:
        message = f"Roster sync failed: {error}"[:2000]
        CourseLink.objects.filter(pk=link.pk).update(roster_error=message)
        raise SyncFailed(message) from error
    result = RosterResult(members=len(members))
    active_subs = set()
    for member in members:
        sub = str(member.get("user_id") or "")
        role = course_role(member.get("roles"))
        if not sub or role is None or member.get("status", "Active") != "Active":
            continue
        active_subs.add(sub)
        user = user_for_person(
            platform=link.platform,
            sub=sub,
            email=member.get("email", ""),
            name=member.get("name", ""),
            given_name=member.get("given_name", ""),
        )
        if not Membership.objects.filter(course=link.course, user=user).exists():
            result.joined.append(user.username)
        membership_ensure(course=link.course, user=user, role=role, display_name=member.get("name", ""))
    known = LtiIdentity.objects.filter(platform=link.platform)
    leaving = (
        Membership.objects.students()
        .filter(course=link.course, user__in=known.values("user"))
        .exclude(user__in=known.filter(sub__in=active_subs).values("user"))
        .select_related("user", "course")
    )
    for membership in leaving:
        result.dropped.append(membership.user.username)
        membership.delete()  # one by one: each delete bumps the course's cache (courses/signals.py)
    link.roster_synced_at = timezone.now()
    link.roster_error = ""
    link.save(update_fields=["roster_synced_at", "roster_error"])
    logger.info("LTI roster of %s: %s", link, result)
    return result


# --- Assignment and Grade Services: participation scores ---------------------------------------


@dataclass
class Score:
    user_id: int
    sub: str
    display_name: str
    standing: str
    comments: int
    given: Decimal
    maximum: int


def score_maximum(link: CourseLink, prompt: Prompt) -> int:
    return link.points_on_time + (link.points_comments if prompt.comments_required else 0)


def score_of(link: CourseLink, prompt: Prompt, standing: str, comments: int) -> Decimal | None:
    """A student's participation score on a prompt; None when there is nothing to send (excused, not due)."""
    points = {
        prompt_rules.Standing.ON_TIME: link.points_on_time,
        prompt_rules.Standing.LATE: link.points_late,
        prompt_rules.Standing.MISSING: link.points_missing,
    }.get(standing)
    if points is None:
        return None
    total = Decimal(points)
    if prompt.comments_required:
        counted = min(comments, prompt.comments_required)
        total += Decimal(link.points_comments) * counted / prompt.comments_required
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def participation_scores(
    *, link: CourseLink, prompt: Prompt, now: datetime.datetime | None = None
) -> list[Score]:
    """The scores of the course's students known to the platform, counted as the participation report counts.

    Standings from coursework.prompts.standings; comments toward the requirement with the same
    filter as the report's column. Four queries whatever the class size.
    """
    now = now or timezone.now()
    subs = dict(
        LtiIdentity.objects.filter(platform=link.platform, user__memberships__course=link.course).values_list(
            "user_id", "sub"
        )
    )
    students = list(
        Membership.objects.students()
        .filter(course=link.course, user_id__in=list(subs))
        .order_by("display_name")
    )
    counts = {}
    if prompt.comments_required:
        counts = dict(
            Comment.objects.filter(
                prompt_rules.classmates_comment_filter(prompt), author__in=[m.user_id for m in students]
            )
            .order_by()
            .values("author")
            .annotate(n=Count("post", distinct=True))
            .values_list("author", "n")
        )
    maximum = score_maximum(link, prompt)
    scores = []
    for row in prompt_rules.standings(prompt, students, now):
        count = counts.get(row.user_id, 0)
        given = score_of(link, prompt, row.standing, count)
        if given is not None:
            scores.append(
                Score(row.user_id, subs[row.user_id], row.display_name, row.standing, count, given, maximum)
            )
    return scores


@dataclass
class GradesResult:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self):
        return ngettext(
            "%(sent)s scores sent, %(failed)s failed", "%(sent)s scores sent, %(failed)s failed", self.sent
        ) % {"sent": self.sent, "failed": self.failed}


def _ags(link: CourseLink) -> AssignmentsGradesService:
    return AssignmentsGradesService(
        _connector(link.platform), {"scope": link.ags_scopes, "lineitems": link.lineitems_url}
    )


def _line_item(link: CourseLink, prompt: Prompt, ags: AssignmentsGradesService) -> LineItem:
    maximum = score_maximum(link, prompt)
    existing = LineItem.objects.filter(course_link=link, prompt=prompt).first()
    if existing is not None and existing.score_maximum == maximum:
        return existing
    wanted = (
        LtiLineItem()
        .set_label(prompt.title)
        .set_score_maximum(maximum)
        .set_resource_id(f"prompt-{prompt.pk}")
        .set_tag(PARTICIPATION_TAG)
    )
    found = ags.find_lineitem_by_resource_id(f"prompt-{prompt.pk}")
    if found is None:
        found = ags.find_or_create_lineitem(wanted, find_by="resource_id")
    url = found.get_id()
    if not url:
        raise LtiException("The platform returned a line item without an id.")
    line_item, _created = LineItem.objects.update_or_create(
        course_link=link, prompt=prompt, defaults={"url": url, "score_maximum": maximum}
    )
    return line_item


def grades_send(*, link: CourseLink, prompt: Prompt, now: datetime.datetime | None = None) -> GradesResult:
    """Post every student's participation score on the prompt to the LMS gradebook; record each try."""
    now = now or timezone.now()
    if prompt.course_id != link.course_id:
        raise SyncFailed(_("This prompt is not of the linked course."))
    if not link.lineitems_url or SCORE_SCOPE not in link.ags_scopes:
        raise SyncFailed(
            _("The LMS has not offered its gradebook (Assignment and Grade Services) in a launch yet.")
        )
    try:
        ags = _ags(link)
        line_item = _line_item(link, prompt, ags)
    except (LtiException, requests.RequestException, NoToolKey, ValueError, KeyError, TypeError) as error:
        raise SyncFailed(f"The line item could not be made: {error}"[:2000]) from error
    result = GradesResult()
    lti_item = LtiLineItem({"id": line_item.url, "scoreMaximum": line_item.score_maximum})
    for score in participation_scores(link=link, prompt=prompt, now=now):
        grade = (
            Grade()
            .set_score_given(float(score.given))
            .set_score_maximum(score.maximum)
            .set_timestamp(now.isoformat())
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
            .set_user_id(score.sub)
        )
        error = ""
        try:
            ags.put_grade(grade, lti_item)
        except (LtiException, requests.RequestException, ValueError) as failure:
            error = str(failure)[:2000]
        GradeSync.objects.update_or_create(
            line_item=line_item,
            user_id=score.user_id,
            defaults={
                "standing": score.standing,
                "comments_counted": score.comments,
                "score_given": score.given,
                "score_maximum": score.maximum,
                "status": GradeSync.Status.FAILED if error else GradeSync.Status.SENT,
                "error": error,
                "attempted_at": now,
            },
        )
        if error:
            result.failed += 1
            result.errors.append(f"{score.display_name}: {error}")
        else:
            result.sent += 1
    line_item.sent_at = now
    line_item.save(update_fields=["sent_at"])
    return result


def grades_send_due(
    *, link: CourseLink, now: datetime.datetime | None = None
) -> list[tuple[Prompt, GradesResult]]:
    """Send the scores of every prompt of the course whose due time has passed."""
    now = now or timezone.now()
    prompts = (
        Prompt.objects.filter(course=link.course, due_at__lte=now).select_related("course").order_by("due_at")
    )
    return [(prompt, grades_send(link=link, prompt=prompt, now=now)) for prompt in prompts]
