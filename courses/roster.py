"""Roster import: enrol a class from a CSV file, all or nothing.

The file is checked whole before anything is written: every error is reported
with its row number, and one bad row means nothing is imported. A row's email
finds the student's account if they have one: an account that is not in the
course yet is *invited* (it joins when it accepts, after logging in), never
enrolled on the instructor's word, since it may be a student of another,
members-only course. A row whose username and email are both free becomes a new
account with an unusable password and an email with a link to set one. Emails
go out after the transaction commits, so a rolled-back import sends nothing.

What an import says about accounts outside the instructor's own courses is only
what cannot be helped: a username is unique, so one taken cannot be given to a
new account. No error names such an account, its email or its courses, and an
address that has an account is invited (its owner is emailed), never refused.
"""

import csv
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import mail
from core.language import prefetch_languages

from . import services
from .models import Course, Invitation, Membership, default_pseudonym
from .services import password_set_link

logger = logging.getLogger(__name__)
User = get_user_model()

COLUMNS = ["username", "email", "display_name"]
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
DISPLAY_NAME_MAX = Membership._meta.get_field("display_name").max_length


class RosterInvalid(Exception):
    """The file cannot be imported; `errors` lists what to fix, by row."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RosterRow:
    number: int  # the row number a spreadsheet shows (the header is row 1)
    username: str
    email: str
    display_name: str


@dataclass
class RosterResult:
    created: list[str] = field(default_factory=list)  # new accounts, enrolled and emailed a link
    invited: list[str] = field(default_factory=list)  # existing accounts, emailed an invitation
    already_members: list[str] = field(default_factory=list)
    reinvited: list[str] = field(default_factory=list)  # never set a password: a fresh link

    @property
    def summary(self) -> str:
        text = _(
            "%(created)s new account(s) created and emailed a link to set a password, "
            "%(invited)s existing account(s) invited (they join when they accept), "
            "%(members)s already in the course."
        ) % {
            "created": len(self.created),
            "invited": len(self.invited),
            "members": len(self.already_members),
        }
        if self.reinvited:
            text += " " + _("%(count)s account(s) that never set a password were sent a new link.") % {
                "count": len(self.reinvited)
            }
        return text


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise RosterInvalid(
            [_("The file is larger than %(kb)s KB. Split the roster.") % {"kb": MAX_BYTES // 1024}]
        )
    if b"\x00" in data:
        raise RosterInvalid(
            [_("This is not a CSV text file. Save the roster as CSV (UTF-8) and upload that.")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterInvalid(
            [_("This file is not UTF-8 text. Save the roster as CSV (UTF-8) and upload that.")]
        ) from None


def parse_roster(data: bytes) -> tuple[list[RosterRow], list[tuple[int, str]]]:
    """The good rows of a roster file and the errors of the others, as (row number, message).

    A file that cannot be read as a roster at all raises RosterInvalid.
    """
    text = _decode(data)
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise RosterInvalid([_("The file could not be read as CSV: %(error)s.") % {"error": error}]) from None
    if not lines or [cell.strip().lower() for cell in lines[0]] != COLUMNS:
        raise RosterInvalid([_("Row 1 must be the header: %(columns)s") % {"columns": ",".join(COLUMNS)}])
    body = [
        (number, cells) for number, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)
    ]
    if not body:
        raise RosterInvalid([_("The file has a header but no students.")])
    if len(body) > MAX_ROWS:
        raise RosterInvalid(
            [
                _("The file has %(rows)s students; import at most %(most)s at a time.")
                % {"rows": len(body), "most": MAX_ROWS}
            ]
        )

    username_field = User._meta.get_field(User.USERNAME_FIELD)
    errors, rows = [], []
    first_row_of = {}
    for number, cells in body:
        if len(cells) != len(COLUMNS):
            errors.append(
                (
                    number,
                    _("Row %(row)s: expected %(expected)s columns, found %(found)s.")
                    % {"row": number, "expected": len(COLUMNS), "found": len(cells)},
                )
            )
            continue
        username, email, display_name = (cell.strip() for cell in cells)
        problems = []
        try:
            username_field.run_validators(username)
            if not username:
                raise ValidationError(_("a username is required"))
        except ValidationError as error:
            problems.append(
                _("username “%(username)s”: %(problem)s")
                % {"username": username, "problem": " ".join(error.messages)}
            )
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(email)s” is not an email address") % {"email": email})
        if len(display_name) > DISPLAY_NAME_MAX:
            problems.append(
                _("the display name is longer than %(most)s characters") % {"most": DISPLAY_NAME_MAX}
            )
        for key, value, repeated in (
            (
                "username",
                username.lower(),
                gettext_lazy("the username “%(value)s” is already on row %(row)s"),
            ),
            ("email", email.lower(), gettext_lazy("the email “%(value)s” is already on row %(row)s")),
        ):
            if not value:
                continue
            seen = first_row_of.setdefault((key, value), number)
            if seen != number:
                problems.append(repeated % {"value": value, "row": seen})
        if problems:
            listed = "; ".join(p.rstrip(".") for p in problems)
            errors.append((number, _("Row %(row)s: %(problems)s.") % {"row": number, "problems": listed}))
        else:
            # An empty name becomes a pseudonym (Membership.save), never the username.
            rows.append(RosterRow(number, username, email, display_name))
    return rows, errors


def _accounts_of(rows: list[RosterRow], *, by) -> list:
    """Every account a row names by username or by email, in one query.

    Each carries `in_by_courses`: whether it is a member of a course `by` teaches
    (everyone, for a superuser), that is, someone `by` may be told about.
    """
    if by.is_superuser:
        known = Value(True)
    else:
        known = Exists(
            Membership.objects.filter(user=OuterRef("pk"), course__in=Course.objects.taught_by(by))
        )
    return list(
        User.objects.annotate(
            username_lower=Lower("username"), email_lower=Lower("email"), in_by_courses=known
        )
        .filter(
            Q(username_lower__in=[r.username.lower() for r in rows])
            | Q(email_lower__in=[r.email.lower() for r in rows])
        )
        .order_by("pk")
    )


def _check_against_accounts(rows: list[RosterRow], *, by) -> tuple[dict, list[tuple[int, str]]]:
    """The existing account of each row that has one (by row number), and the rows that cannot be imported.

    The email decides: an account with the row's address is the student's. Without
    one the row makes a new account, which needs a free username.
    """
    by_email, by_username = {}, {}
    for account in _accounts_of(rows, by=by):
        if account.email_lower:
            by_email.setdefault(account.email_lower, account)  # the oldest, if two share an address
        by_username[account.username_lower] = account
    accounts, errors = {}, []
    for row in rows:
        owner = by_email.get(row.email.lower())
        if owner is not None:
            accounts[row.number] = owner
            continue
        holder = by_username.get(row.username.lower())
        if holder is None:
            continue  # a new account
        if holder.in_by_courses:
            if by.is_superuser:
                problem = _(
                    "the account “%(username)s” has another email address. "
                    "Correct the email, or choose another username."
                )
            else:
                problem = _(
                    "the account “%(username)s” in your courses has another email address. "
                    "Correct the email, or choose another username."
                )
            problem %= {"username": holder.username}
        else:
            # Not "exists with another email": that would confirm an address and an
            # account outside this instructor's courses. A taken username is all it says.
            problem = _(
                "the username “%(username)s” is not available for a new account. Choose another one; "
                "if the student already has an account, give the email address it uses."
            ) % {"username": row.username}
        errors.append((row.number, _("Row %(row)s: %(problem)s") % {"row": row.number, "problem": problem}))
    return accounts, errors


def roster_import(*, course: Course, data: bytes, by) -> RosterResult:
    """Check the whole file, then enrol and invite in one transaction. Raises RosterInvalid.

    `by` is the instructor importing: what the errors may say depends on whom they teach.
    """
    rows, errors = parse_roster(data)
    result = RosterResult()
    with transaction.atomic():
        accounts, account_errors = _check_against_accounts(rows, by=by)
        errors += account_errors
        if errors:
            raise RosterInvalid([message for _, message in sorted(errors)])
        existing = list(accounts.values())
        members = set(
            Membership.objects.filter(course=course, user__in=existing).values_list("user_id", flat=True)
        )
        pending = {
            invitation.user_id: invitation
            for invitation in Invitation.objects.pending().filter(course=course, user__in=existing)
        }
        new_users = [
            User(username=row.username, email=row.email, password="")
            for row in rows
            if row.number not in accounts
        ]
        for user in new_users:
            user.set_unusable_password()
        User.objects.bulk_create(new_users)
        created = {u.username: u for u in User.objects.filter(username__in=[u.username for u in new_users])}
        memberships, invitations, asked_again, reinvited = [], [], [], []
        for row in rows:
            account = accounts.get(row.number)
            if account is None:
                membership = Membership(
                    course=course, user=created[row.username], role=Membership.Role.STUDENT
                )
                # bulk_create skips Membership.save: the pseudonym of an empty name is given here.
                membership.display_name = row.display_name or default_pseudonym(
                    membership.role, membership.author_slug
                )
                memberships.append(membership)
                result.created.append(row.username)
            elif account.pk in members:
                result.already_members.append(account.username)
                # A link expires (PASSWORD_RESET_TIMEOUT) and "forgot password" ignores accounts
                # without a usable password: importing the roster again is how a student gets a new one.
                if not account.has_usable_password() and account.last_login is None:
                    reinvited.append(account)
            elif account.pk in pending:
                invitation = pending[account.pk]  # invited already: the same invitation, sent again
                invitation.display_name = row.display_name
                invitation.course, invitation.user = course, account  # for the email, without a query
                asked_again.append(invitation)
                result.invited.append(account.username)
            else:
                invitations.append(
                    Invitation(course=course, user=account, display_name=row.display_name, invited_by=by)
                )
                result.invited.append(account.username)
        Membership.objects.bulk_create(memberships)
        Invitation.objects.bulk_create(invitations)
        Invitation.objects.bulk_update(asked_again, ["display_name"])
        result.reinvited = [user.username for user in reinvited]
        links = [created[name] for name in result.created] + reinvited
        to_invite = [*invitations, *asked_again]
        transaction.on_commit(lambda: send_invitations(course=course, users=links), robust=True)
        transaction.on_commit(lambda: services.invitations_send(invitations=to_invite), robust=True)
    return result


def send_invitations(*, course: Course, users) -> None:
    if not users:
        return
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    users = list(users)
    prefetch_languages(users)
    for user in users:
        # An account the roster has just made has no choice yet: the site's LANGUAGE_CODE.
        with mail.in_language_of(user):
            subject = _("You are enrolled in %(course)s") % {"course": course.title}
            body = "\n".join(
                [
                    _("Hello,"),
                    "",
                    _("Your instructor added you to the course blog of %(course)s.") % {"course": course},
                    _("Your username is: %(username)s") % {"username": user.username},
                    "",
                    _("Choose a password here to log in (the link works once, for %(days)s days):")
                    % {"days": days},
                    password_set_link(user),
                    "",
                    _("If you did not expect this email, you can ignore it."),
                ]
            )
        mail.send(subject=subject, body=body, to=[user.email])
    logger.info("Roster invitations sent for course %s: %d", course.pk, len(users))
