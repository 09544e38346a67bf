"""Roster import: enrol a class from a CSV file, all or nothing.

The file is checked whole before anything is written: every error is reported
with its row number, and one bad row means nothing is imported. Existing
accounts (matched by username) are enrolled, never duplicated; new accounts get
an unusable password and an email with a link to set one, sent after the
transaction commits so a rolled-back import sends nothing.
"""

import csv
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Course, Membership

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
    created: list[str] = field(default_factory=list)  # new accounts, emailed a link
    enrolled: list[str] = field(default_factory=list)  # existing accounts added to the course
    already_members: list[str] = field(default_factory=list)
    reinvited: list[str] = field(default_factory=list)  # never set a password: a fresh link

    @property
    def summary(self) -> str:
        text = (
            f"{len(self.created)} new account(s) created and emailed a link to set a password, "
            f"{len(self.enrolled)} existing account(s) enrolled, "
            f"{len(self.already_members)} already in the course."
        )
        if self.reinvited:
            text += f" {len(self.reinvited)} account(s) that never set a password were sent a new link."
        return text


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise RosterInvalid([f"The file is larger than {MAX_BYTES // 1024} KB. Split the roster."])
    if b"\x00" in data:
        raise RosterInvalid(["This is not a CSV text file. Save the roster as CSV (UTF-8) and upload that."])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterInvalid(
            ["This file is not UTF-8 text. Save the roster as CSV (UTF-8) and upload that."]
        ) from None


def parse_roster(data: bytes) -> tuple[list[RosterRow], list[tuple[int, str]]]:
    """The good rows of a roster file and the errors of the others, as (row number, message).

    A file that cannot be read as a roster at all raises RosterInvalid.
    """
    text = _decode(data)
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise RosterInvalid([f"The file could not be read as CSV: {error}."]) from None
    if not lines or [cell.strip().lower() for cell in lines[0]] != COLUMNS:
        raise RosterInvalid([f"Row 1 must be the header: {','.join(COLUMNS)}"])
    body = [
        (number, cells) for number, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)
    ]
    if not body:
        raise RosterInvalid(["The file has a header but no students."])
    if len(body) > MAX_ROWS:
        raise RosterInvalid([f"The file has {len(body)} students; import at most {MAX_ROWS} at a time."])

    username_field = User._meta.get_field(User.USERNAME_FIELD)
    errors, rows = [], []
    first_row_of = {}
    for number, cells in body:
        if len(cells) != len(COLUMNS):
            errors.append((number, f"Row {number}: expected {len(COLUMNS)} columns, found {len(cells)}."))
            continue
        username, email, display_name = (cell.strip() for cell in cells)
        problems = []
        try:
            username_field.run_validators(username)
            if not username:
                raise ValidationError("a username is required")
        except ValidationError as error:
            problems.append(f"username “{username}”: {' '.join(error.messages)}")
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"“{email}” is not an email address")
        if len(display_name) > DISPLAY_NAME_MAX:
            problems.append(f"the display name is longer than {DISPLAY_NAME_MAX} characters")
        for key, value in (("username", username.lower()), ("email", email.lower())):
            if not value:
                continue
            seen = first_row_of.setdefault((key, value), number)
            if seen != number:
                problems.append(f"the {key} “{value}” is already on row {seen}")
        if problems:
            errors.append((number, f"Row {number}: " + "; ".join(p.rstrip(".") for p in problems) + "."))
        else:
            rows.append(RosterRow(number, username, email, display_name or username))
    return rows, errors


def _check_against_accounts(rows: list[RosterRow]) -> tuple[dict, list[tuple[int, str]]]:
    """Existing users by username, and the rows that clash with an account. Two queries."""
    accounts = User.objects.annotate(username_lower=Lower("username")).filter(
        username_lower__in=[r.username.lower() for r in rows]
    )
    by_username = {u.username: u for u in accounts}
    by_lower = {u.username.lower(): u.username for u in by_username.values()}
    new_emails = [r.email.lower() for r in rows if r.username not in by_username]
    owner_of_email = dict(
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=new_emails)
        .values_list("email_lower", "username")
    )
    errors = []
    for row in rows:
        user = by_username.get(row.username)
        if user is not None:
            if user.email.lower() != row.email.lower():
                problem = (
                    f"the account “{row.username}” exists with another email address. "
                    "Correct the email, or ask the student which account is theirs."
                )
            else:
                continue
        elif row.username.lower() in by_lower:
            problem = (
                f"an account “{by_lower[row.username.lower()]}” exists. Use that spelling of the username."
            )
        elif row.email.lower() in owner_of_email:
            # Not naming that account: a roster must not become a way to look people up.
            problem = (
                f"{row.email} is the email of another account. Ask the student which username is theirs."
            )
        else:
            continue
        errors.append((row.number, f"Row {row.number}: {problem}"))
    return by_username, errors


def roster_import(*, course: Course, data: bytes) -> RosterResult:
    """Check the whole file, then enrol everyone in one transaction. Raises RosterInvalid."""
    rows, errors = parse_roster(data)
    result = RosterResult()
    with transaction.atomic():
        existing, account_errors = _check_against_accounts(rows)
        errors += account_errors
        if errors:
            raise RosterInvalid([message for _, message in sorted(errors)])
        members = set(
            Membership.objects.filter(course=course, user__in=existing.values()).values_list(
                "user__username", flat=True
            )
        )
        new_users = [
            User(username=row.username, email=row.email, password="")
            for row in rows
            if row.username not in existing
        ]
        for user in new_users:
            user.set_unusable_password()
        User.objects.bulk_create(new_users)
        users = {u.username: u for u in User.objects.filter(username__in=[r.username for r in rows])}
        memberships = []
        for row in rows:
            if row.username in members:
                result.already_members.append(row.username)
                continue
            memberships.append(
                Membership(
                    course=course,
                    user=users[row.username],
                    role=Membership.Role.STUDENT,
                    display_name=row.display_name,
                )
            )
            (result.enrolled if row.username in existing else result.created).append(row.username)
        Membership.objects.bulk_create(memberships)
        # A link expires (PASSWORD_RESET_TIMEOUT) and "forgot password" ignores accounts
        # without a usable password: importing the roster again is how a student gets a new one.
        result.reinvited = [
            name
            for name, user in existing.items()
            if not user.has_usable_password() and user.last_login is None
        ]
        invited = [users[name] for name in result.created + result.reinvited]
        transaction.on_commit(lambda: send_invitations(course=course, users=invited), robust=True)
    return result


def password_set_link(user) -> str:
    """The same link Django's password reset sends, absolute from SITE_URL."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def send_invitations(*, course: Course, users) -> None:
    if not users:
        return
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    messages = []
    for user in users:
        body = "\n".join(
            [
                "Hello,",
                "",
                f"Your instructor added you to the course blog of {course}.",
                f"Your username is: {user.username}",
                "",
                "Choose a password here to log in (the link works once, for " + f"{days} days):",
                password_set_link(user),
                "",
                "If you did not expect this email, you can ignore it.",
            ]
        )
        messages.append(
            EmailMessage(subject=f"You are enrolled in {course.title}", body=body, to=[user.email])
        )
    get_connection().send_messages(messages)
    logger.info("Roster invitations sent for course %s: %d", course.pk, len(messages))
