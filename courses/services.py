import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core import mail
from core.language import prefetch_languages, remember_language

from .models import Course, Invitation, Membership, new_join_code

logger = logging.getLogger(__name__)

User = get_user_model()


class JoinError(Exception):
    """A join the user cannot make; the message is shown to them."""


def course_join(*, user, join_code: str, display_name: str) -> Membership:
    """Enrol the user as a student of the course whose join code they typed."""
    code = join_code.strip().upper()
    try:
        course = Course.objects.get(join_code=code)
    except Course.DoesNotExist:
        raise JoinError(
            _("That join code does not match any course. Check it with your instructor.")
        ) from None
    existing = Membership.objects.filter(course=course, user=user).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Membership.objects.create(
                course=course,
                user=user,
                role=Membership.Role.STUDENT,
                display_name=display_name.strip(),  # empty: Membership.save gives a pseudonym
            )
    except IntegrityError:  # a double submit raced us: the membership exists
        return Membership.objects.get(course=course, user=user)


def user_sign_up(
    *,
    username: str,
    email: str,
    password: str,
    join_code: str,
    display_name: str,
    language: str | None = None,
):
    """Create the account and its first membership together, or neither.

    A sign-up never tells whether an address has an account: with one that has,
    it goes through the same way (the visitor is logged in to the new account),
    but the address stays with the account that has it and the new one gets
    none. Whoever owns the address is told by email, and every sign-up sends
    exactly one email to the address typed, so the two cases take as long.
    (django-allauth's "strict" enumeration prevention with optional
    verification; here an address still belongs to one account only.)

    `language`, the one the visitor signed up in, is kept as the user's choice:
    their emails, the welcome first, are written in it.
    """
    with transaction.atomic():
        owner = User.objects.filter(email__iexact=email).order_by("pk").first()
        user = User.objects.create_user(username=username, email="" if owner else email, password=password)
        if language:
            remember_language(user, language)
        membership = course_join(user=user, join_code=join_code, display_name=display_name)
        if owner is None:
            transaction.on_commit(
                lambda: _send_sign_up_welcome(user=user, course=membership.course), robust=True
            )
        else:
            transaction.on_commit(
                lambda: _send_sign_up_address_taken(owner=owner, email=email, username=username),
                robust=True,
            )
    return user, membership


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def password_set_link(user) -> str:
    """The same link Django's password reset sends, absolute from SITE_URL."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return _site_url(path)


def _send_sign_up_welcome(*, user, course) -> None:
    with mail.in_language_of(user):
        subject = _("Your coursesite account")
        body = render_to_string(
            "registration/sign_up_welcome_email.txt",
            {"user": user, "course": course, "login_url": _site_url(reverse("login"))},
        )
    mail.send(subject=subject, body=body, to=[user.email])


def _send_sign_up_address_taken(*, owner, email: str, username: str) -> None:
    context = {
        "owner": owner,
        "email": email,
        "username": username,
        "login_url": _site_url(reverse("login")),
        "reset_url": _site_url(reverse("password_reset")),
        # An account made by a roster, never used: "forgot password" ignores it, so the link is here.
        "set_password_url": None if owner.has_usable_password() else password_set_link(owner),
    }
    with mail.in_language_of(owner):
        subject = _("Someone tried to sign up with your address")
        body = render_to_string("registration/sign_up_address_taken_email.txt", context)
    mail.send(subject=subject, body=body, to=[owner.email])


def course_rotate_join_code(*, course: Course) -> str:
    course.join_code = new_join_code()
    course.save(update_fields=["join_code"])
    return course.join_code


INSTRUCTORS_GROUP = "Instructors"


def instructor_permissions() -> list[tuple[str, str]]:
    """(app label, codename) of every permission an instructor needs in the admin.

    Each app lists its own in its AppConfig (`instructor_permissions`), so this
    module names no model of the apps above it. The admin limits every one of
    them to the courses the instructor teaches (courses/admin_scoping.py).
    """
    from django.apps import apps

    return [
        (config.label, codename)
        for config in apps.get_app_configs()
        for codename in getattr(config, "instructor_permissions", ())
    ]


def instructors_group_sync():
    """The "Instructors" group with every permission of instructor_permissions() that exists yet.

    Called after every `migrate` (courses/apps.py): permissions are created by
    the post_migrate signal, after all migrations ran, so a data migration alone
    could not give them on a fresh database. Adding is idempotent and keeps any
    extra permission a superuser gave the group by hand.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _created = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    wanted = Q(pk__in=[])
    for app_label, codename in instructor_permissions():
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


def instructor_grant(*, user) -> None:
    """Let an instructor into the admin: staff status and the Instructors group.

    The group is synced here too, so a group deleted by hand comes back whole.
    """
    group = instructors_group_sync()
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)


def instructor_access_sync(*, user) -> None:
    """Staff status and the Instructors group follow whether the user teaches any course now.

    Called after a membership is added, changed or removed, so an instructor
    moved out of their last course leaves the admin with it (superusers keep
    theirs).
    """
    if Membership.objects.instructors().filter(user=user).exists():
        instructor_grant(user=user)
        return
    user.groups.remove(*user.groups.filter(name=INSTRUCTORS_GROUP))
    if user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


# --- Invitations --------------------------------------------------------------------------


class InvitationAnswered(Exception):
    """The invitation was accepted or declined already; the message is shown to the student."""


def _locked_open_invitation(*, invitation: Invitation, by) -> Invitation:
    """The invitation read again under a row lock (inside a transaction), if `by` may answer it now.

    The lock makes a double click one answer: the second finds it answered.
    """
    invitation = Invitation.objects.select_for_update().select_related("course").get(pk=invitation.pk)
    if invitation.user_id != by.pk:
        raise InvitationAnswered(_("This invitation is for another account."))
    if not invitation.is_pending:
        raise InvitationAnswered(
            _("You already answered this invitation to %(course)s.") % {"course": invitation.course.title}
        )
    return invitation


def _answer(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])


def invitation_accept(*, invitation: Invitation, by, display_name: str = "") -> Membership:
    """The invited account joins the course, under the name it chose (or the one proposed)."""
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation=invitation, by=by)
        membership, _created = (
            Membership.objects.get_or_create(  # joined meanwhile with the code: kept as it is
                course=invitation.course,
                user=by,
                defaults={
                    "role": Membership.Role.STUDENT,
                    "display_name": display_name.strip() or invitation.display_name,  # or a pseudonym (save)
                },
            )
        )
        _answer(invitation, Invitation.Status.ACCEPTED)
    return membership


def invitation_decline(*, invitation: Invitation, by) -> Invitation:
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation=invitation, by=by)
        _answer(invitation, Invitation.Status.DECLINED)
    return invitation


def invitations_send(*, invitations) -> None:
    """Email each invited account its link; call it after the transaction that made them commits."""
    sent = 0
    invitations = list(invitations)
    prefetch_languages(invitation.user for invitation in invitations)
    for invitation in invitations:
        user = invitation.user
        context = {
            "invitation": invitation,
            "course": invitation.course,
            "user": user,
            "accept_url": _site_url(invitation.get_absolute_url()),
            # Made by another course's roster and never used: it needs a password to log in first.
            "set_password_url": None if user.has_usable_password() else password_set_link(user),
        }
        with mail.in_language_of(user):
            subject = _("An invitation to %(course)s") % {"course": invitation.course.title}
            body = render_to_string("courses/email/invitation.txt", context)
        mail.send(subject=subject, body=body, to=[user.email])
        sent += 1
    if sent:
        logger.info("Course invitations sent: %d", sent)
