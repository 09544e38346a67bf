"""The demo site's courses and people. Other apps add to it through `register`.

The demo is always in the middle of the current term: the courses' term is named
from today's date, and every app dates its history through `DemoCalendar.fit`, so
nothing lands before the term began or after now.
"""

import datetime
import random
import zoneinfo
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from . import consent
from .models import Course, Membership
from .services import instructor_grant

User = get_user_model()

_seeders = []


def register(seeder):
    """Apps' demo modules register a function taking the DemoContext."""
    if seeder not in _seeders:
        _seeders.append(seeder)
    return seeder


def registered_seeders():
    return list(_seeders)


# The seed course's campus; weeks and due dates are laid in this zone.
DEMO_ZONE = "America/New_York"
# How far back the demo's history reaches (its oldest post, seven weeks of the syllabus ago).
HISTORY = datetime.timedelta(weeks=8)


def term_of(day: datetime.date) -> tuple[str, datetime.date]:
    """The term a date falls in, and its first day: Spring January-May, Summer June-August, Fall after."""
    if day.month <= 5:
        return f"Spring {day.year}", datetime.date(day.year, 1, 1)
    if day.month <= 8:
        return f"Summer {day.year}", datetime.date(day.year, 6, 1)
    return f"Fall {day.year}", datetime.date(day.year, 9, 1)


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's clock: the current term, and a way to place history inside it.

    Apps say when something happened as they would mid-term (a post two weeks
    ago, a reply five hours later) and pass it through `fit`. Early in a term,
    when eight weeks of history would reach back before its first day, the past
    is squeezed toward now, in order, so it all fits between the term's start
    and now; later in the term `fit` changes nothing.
    """

    now: datetime.datetime
    tz: datetime.tzinfo
    term: str
    starts: datetime.datetime

    @classmethod
    def for_now(cls, now: datetime.datetime | None = None, zone: str = DEMO_ZONE):
        now = now or timezone.now()
        try:
            tz = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = datetime.UTC
        term, first_day = term_of(now.astimezone(tz).date())
        return cls(
            now=now, tz=tz, term=term, starts=datetime.datetime.combine(first_day, datetime.time(), tz)
        )

    @property
    def squeeze(self) -> float:
        """1 once the term is HISTORY old; less before, so HISTORY fits in the term so far (with a margin)."""
        return min(1.0, 0.97 * (self.now - self.starts) / HISTORY)

    def fit(self, moment: datetime.datetime) -> datetime.datetime:
        """Where a moment of the demo's history lands in this term; future moments stay as they are."""
        if moment >= self.now:
            return moment
        return self.now - (self.now - moment) * self.squeeze

    def ago(self, **delta) -> datetime.datetime:
        return self.fit(self.now - datetime.timedelta(**delta))

    def after(self, moment: datetime.datetime, hours: list[float]) -> list[datetime.datetime]:
        """Moments these many hours after a past one, closer together if needed so all are before now."""
        longest = datetime.timedelta(hours=max(hours, default=0)) or datetime.timedelta(hours=1)
        scale = min(1.0, 0.9 * (self.now - moment) / longest)
        return [moment + datetime.timedelta(hours=h) * scale for h in hours]

    def random(self, salt: str) -> random.Random:
        """A random source that gives the same demo for the same day."""
        return random.Random(f"{self.now.astimezone(self.tz).date().isoformat()}:{salt}")


SOVIET_HISTORY = {
    "slug": "soviet-history",
    "title": "Soviet History",
    "description": (
        "Seventeen moments in Soviet history: students write weekly posts on primary "
        "sources and answer each other's work. The editorial team awards a red star to "
        "the best posts of the week."
    ),
}
MODERN_CHINA = {
    "slug": "modern-china",
    "title": "Modern China",
    "description": "A members-only seminar blog.",
}

# username, display name, role, course key
PEOPLE = [
    ("nelson", "A. Nelson", Membership.Role.INSTRUCTOR, "soviet"),
    ("kpeters", "K. Peters", Membership.Role.STUDENT, "soviet"),  # the seed post's author
    ("cpurvis2", "cpurvis2", Membership.Role.STUDENT, "soviet"),
    ("rkw15", "rkw15", Membership.Role.STUDENT, "soviet"),
    ("jslattery", "jslattery", Membership.Role.STUDENT, "soviet"),
    ("caitlin", "Caitlin M.", Membership.Role.STUDENT, "soviet"),
    ("dmorozov", "Dima M.", Membership.Role.STUDENT, "soviet"),
    ("abrooks", "Anya B.", Membership.Role.STUDENT, "soviet"),  # joined late: her first comment is held
    ("chen", "Prof. Chen", Membership.Role.INSTRUCTOR, "china"),
    ("liwei", "Li Wei", Membership.Role.STUDENT, "china"),
]


@dataclass
class DemoContext:
    password: str
    calendar: DemoCalendar = field(default_factory=DemoCalendar.for_now)
    courses: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    roles: dict = field(default_factory=dict)

    @property
    def course(self):
        return self.courses["soviet"]

    def logins(self):
        return [(username, self.roles[username]) for username in self.users]


def build_courses(*, password: str) -> DemoContext:
    context = DemoContext(password=password)
    for key, data in (("soviet", SOVIET_HISTORY), ("china", MODERN_CHINA)):
        defaults = {k: v for k, v in data.items() if k != "slug"}
        defaults["term"] = context.calendar.term
        if key == "soviet" and DEMO_ZONE in zoneinfo.available_timezones():
            defaults["time_zone"] = DEMO_ZONE
        if key == "china":
            defaults["visibility"] = Course.Visibility.MEMBERS
        course, _ = Course.objects.update_or_create(slug=data["slug"], defaults=defaults)
        context.courses[key] = course
    # Every demo user has the same password: hash it once (each hash takes most of a second).
    password_hash = make_password(password)
    for username, display_name, role, course_key in PEOPLE:
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.edu"})
        user.password = password_hash
        # Instructors use the admin to moderate.
        user.is_staff = role == Membership.Role.INSTRUCTOR
        user.save()
        membership, _ = Membership.objects.update_or_create(
            course=context.courses[course_key],
            user=user,
            defaults={"role": role, "display_name": display_name},
        )
        if role == Membership.Role.STUDENT and membership.course.is_public:
            # The demo's students agreed to publish (issue 18), so a visitor reads their posts.
            consent.consent_give(
                membership=membership,
                by=user,
                text_digest_seen=consent.text_digest(membership.course.consent_text),
            )
        if role == Membership.Role.INSTRUCTOR:
            instructor_grant(user=user)  # staff, in the Instructors group
        context.users[username] = user
        context.roles[username] = role
    return context
