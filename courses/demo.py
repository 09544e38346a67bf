"""The demo site's courses and people. Other apps add to it through `register`."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

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


SOVIET_HISTORY = {
    "slug": "soviet-history",
    "title": "Soviet History",
    "term": "Fall 2014",
    "description": (
        "Seventeen moments in Soviet history: students write weekly posts on primary "
        "sources and answer each other's work. The editorial team awards a red star to "
        "the best posts of the week."
    ),
}
MODERN_CHINA = {
    "slug": "modern-china",
    "title": "Modern China",
    "term": "Fall 2014",
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
    ("chen", "Prof. Chen", Membership.Role.INSTRUCTOR, "china"),
    ("liwei", "Li Wei", Membership.Role.STUDENT, "china"),
]


@dataclass
class DemoContext:
    password: str
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
        if key == "china":
            defaults["visibility"] = Course.Visibility.MEMBERS
        course, _ = Course.objects.update_or_create(slug=data["slug"], defaults=defaults)
        context.courses[key] = course
    for username, display_name, role, course_key in PEOPLE:
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.edu"})
        user.set_password(password)
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
