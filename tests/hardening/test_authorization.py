"""Every URL pattern of the site has an entry saying who may GET and POST it.

The table is checked against the URLconf: a new view without an entry fails
`test_every_url_pattern_has_an_entry`. Each entry is exercised as every kind
of visitor, on a members-only course (the strictest case), with a fresh world
each time so one actor's POST cannot change what the next one sees.

Outcomes: "ok" (the view served the actor: 2xx, a redirect that is not to the
login page, or 400 for a form that refused the empty input), "login" (sent to
log in), "403", "404", "405".
"""

import io

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from account.services import email_change_token
from comments.notifications import mute_token
from courses.models import Invitation
from coursework.weeks import week_of
from lti.keys import key_create
from posts.images import clean_image, image_store
from posts.models import Tag
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    DigestFactory,
    EditorialTermFactory,
    FeedTokenFactory,
    InstructorFactory,
    MembershipFactory,
    NoticeFactory,
    PostFactory,
    PromptFactory,
    RevisionFactory,
)

ACTORS = ["anonymous", "outsider", "student", "author", "editor", "instructor", "other_instructor"]

# The admin has its own permission system, tested in tests/admin; static files (and media
# files under DEBUG's own route) are not views of ours. Uploaded images are: posts:image.
SKIPPED_PREFIXES = ("admin/", "static/", "^media/", "^static/")


def _url_names():
    names = set()

    def walk(patterns, namespace=None, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


class World:
    """A members-only course with its people and content, and a second course."""

    def __init__(self):
        self.course = CourseFactory(visibility="members")
        instructor = InstructorFactory(course=self.course)
        author = MembershipFactory(course=self.course)
        student = MembershipFactory(course=self.course)
        editor = EditorialTermFactory(member=MembershipFactory(course=self.course)).member
        other_course = CourseFactory(visibility="members")
        other_instructor = InstructorFactory(course=other_course)
        outsider = MembershipFactory(course=other_course)
        self.users = {
            "anonymous": None,
            "outsider": outsider.user,
            "student": student.user,
            "author": author.user,
            "editor": editor.user,
            "instructor": instructor.user,
            "other_instructor": other_instructor.user,
        }
        self.category = CategoryFactory(course=self.course, name="Essays", slug="essays")
        self.tag = Tag.objects.create(course=self.course, name="Thaw", slug="thaw")
        self.author_slug = author.author_slug  # author pages are addressed by it, never the username
        self.post = PostFactory(course=self.course, author=author.user, category=self.category)
        self.post.tags.add(self.tag)
        # An image in the post, uploaded by its author: it belongs to the post (posts/images.py).
        self.image = image_store(
            uploader=author.user,
            cleaned=clean_image(SimpleUploadedFile("fence.png", _png(), content_type="image/png")),
            details={"alt": "A fence"},
        )
        self.post.body = f"![A fence]({self.image.get_absolute_url()})"
        self.post.save()
        self.revision = RevisionFactory(post=self.post)  # a saved version of it, to restore
        self.draft = PostFactory(course=self.course, author=author.user, status="draft", published_at=None)
        self.award_type = AwardTypeFactory(course=self.course)
        self.award = AwardFactory(
            post=PostFactory(course=self.course, author=student.user),
            award_type=self.award_type,
            given_by=instructor.user,
        )
        # The author's own comment, on a post by someone else.
        self.comment = CommentFactory(post=self.award.post, author=author.user)
        self.feed_token = FeedTokenFactory(membership=student)
        self.notice = NoticeFactory(
            post=self.award.post, recipient=student.user, kind="award", comment=None, award=self.award
        )
        # The week: an open prompt, and the published digest of the post's week.
        self.prompt = PromptFactory(course=self.course)
        self.week = week_of(self.course, self.post.published_at)
        self.digest = DigestFactory(
            course=self.course, week=self.week, status="published", published_at=self.post.published_at
        )
        # The instructor invited a student of the other course (a roster row naming her account).
        self.invitation = Invitation.objects.create(
            course=self.course, user=outsider.user, display_name="Invited", invited_by=instructor.user
        )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 20, 20)).save(out, "PNG")
    return out.getvalue()


def _world_for(url_name):
    world = World()
    if url_name.startswith("lti:"):
        key_create()  # the tool's signing key (`manage.py lti_keys`): without it LTI pages are 503
    return world


def _kwargs(world):
    course = world.course.slug
    date = world.post.date_for_url
    author = world.users["author"]
    feed_pages = {
        "posts": {},
        "category": {"slug": world.category.slug},
        "tag": {"slug": world.tag.slug},
        "author": {"author_slug": world.author_slug},
        "hall-of-fame": {},
        "award": {"slug": world.award_type.slug},
        "post-comments": {"year": date.year, "month": date.month, "day": date.day, "slug": world.post.slug},
        "comments": {},
        "digests": {},
    }
    feeds = {}
    for kind, extra in feed_pages.items():
        feeds[f"feeds:{kind}"] = {"course_slug": course, "format": "atom", **extra}
        feeds[f"feeds:private-{kind}"] = {"token": world.feed_token.secret, "format": "atom", **extra}
    return {
        **feeds,
        "feeds:new-link": {"course_slug": course},
        "account:display-name": {"course_slug": course},
        "account:email-confirm": {"token": email_change_token(user=author, new_email="moved@example.edu")},
        "account:notice-open": {"pk": world.notice.pk},
        "courses:rotate-join-code": {"course_slug": course},
        "courses:invitation": {"pk": world.invitation.pk},
        "posts:front": {"course_slug": course},
        "posts:write": {"course_slug": course},
        "posts:drafts": {"course_slug": course},
        "posts:edit": {"course_slug": course, "slug": world.post.slug},
        "posts:unpublish": {"course_slug": course, "slug": world.post.slug},
        "posts:category": {"course_slug": course, "slug": world.category.slug},
        "posts:tag": {"course_slug": course, "slug": world.tag.slug},
        "posts:author": {"course_slug": course, "author_slug": world.author_slug},
        "courses:consent-give": {"course_slug": course},
        "courses:consent-revoke": {"course_slug": course},
        "posts:archive-month": {"course_slug": course, "year": date.year, "month": date.month},
        "posts:detail": {
            "course_slug": course,
            "year": date.year,
            "month": date.month,
            "day": date.day,
            "slug": world.post.slug,
        },
        "comments:mute": {"token": mute_token(user=author, post=world.post)},
        "comments:create": {"course_slug": course, "post_slug": world.post.slug},
        "comments:edit": {"course_slug": course, "pk": world.comment.pk},
        "comments:remove": {"course_slug": course, "pk": world.comment.pk},
        "comments:moderate": {"course_slug": course, "pk": world.comment.pk},
        "comments:history": {"course_slug": course, "pk": world.comment.pk},
        "awards:hall-of-fame": {"course_slug": course},
        "awards:to-read": {"course_slug": course},
        "awards:give": {"course_slug": course, "slug": world.post.slug},
        "awards:revoke": {"course_slug": course, "pk": world.award.pk},
        "sitemap-section": {"section": "posts"},
        "search:results": {"course_slug": course},
        "coursework:prompts": {"course_slug": course},
        "coursework:prompt": {"course_slug": course, "slug": world.prompt.slug},
        "coursework:accommodation": {"course_slug": course, "slug": world.prompt.slug},
        "coursework:choice": {"course_slug": course},
        "coursework:choice-week": {"course_slug": course, "week": world.week.isoformat()},
        "coursework:vote": {"course_slug": course, "week": world.week.isoformat()},
        "coursework:choice-close": {"course_slug": course, "week": world.week.isoformat()},
        "coursework:digests": {"course_slug": course},
        "coursework:digest": {"course_slug": course, "week": world.week.isoformat()},
        "coursework:digest-edit": {"course_slug": course, "week": world.week.isoformat()},
        "posts:image": {"name": world.image.file.name},
        "revisions:autosave-new": {"course_slug": course},
        "revisions:autosave": {"course_slug": course, "slug": world.post.slug},
        "revisions:list": {"course_slug": course, "slug": world.post.slug},
        "revisions:diff": {"course_slug": course, "slug": world.post.slug},
        "revisions:restore": {
            "course_slug": course,
            "slug": world.post.slug,
            "revision_id": world.revision.pk,
        },
        "privacy:pseudonym": {"course_slug": course},
        "privacy:withdraw": {"course_slug": course},
        "privacy:course-archive": {"course_slug": course},
        "privacy:static-site": {"course_slug": course},
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(author.pk)),
            "token": default_token_generator.make_token(author),
        },
    }


def _row(anonymous, outsider, student, author, editor, instructor, other_instructor):
    return dict(
        zip(ACTORS, (anonymous, outsider, student, author, editor, instructor, other_instructor), strict=True)
    )


# Pages of the course: members read them; outsiders and other courses' instructors
# cannot tell the course exists.
COURSE_PAGE = _row("404", "404", "ok", "ok", "ok", "ok", "404")
LOGIN_THEN_MEMBERS = _row("login", "404", "ok", "ok", "ok", "ok", "404")
PUBLIC_PAGE = _row("ok", "ok", "ok", "ok", "ok", "ok", "ok")
LOGGED_IN_PAGE = _row("login", "ok", "ok", "ok", "ok", "ok", "ok")
# Read-only course pages: members get 405 for a POST; outsiders still cannot tell the course exists.
COURSE_PAGE_POST = _row("404", "404", "405", "405", "405", "405", "404")

FEED_KINDS = (
    "posts",
    "category",
    "tag",
    "author",
    "hall-of-fame",
    "award",
    "post-comments",
    "comments",
    "digests",
)

# url name -> (GET outcomes, POST outcomes)
TABLE = {
    "login": (PUBLIC_PAGE, PUBLIC_PAGE),
    "logout": (_row(*["405"] * 7), PUBLIC_PAGE),
    "password_change": (LOGGED_IN_PAGE, LOGGED_IN_PAGE),
    "password_change_done": (LOGGED_IN_PAGE, _row("login", *["405"] * 6)),
    "password_reset": (PUBLIC_PAGE, PUBLIC_PAGE),
    "password_reset_done": (PUBLIC_PAGE, _row(*["405"] * 7)),
    "password_reset_confirm": (PUBLIC_PAGE, PUBLIC_PAGE),
    "password_reset_complete": (PUBLIC_PAGE, _row(*["405"] * 7)),
    "courses:list": (PUBLIC_PAGE, _row(*["405"] * 7)),
    "courses:join": (LOGGED_IN_PAGE, LOGGED_IN_PAGE),
    "courses:sign-up": (PUBLIC_PAGE, PUBLIC_PAGE),
    "courses:rotate-join-code": (_row(*["405"] * 7), _row("login", "404", "403", "403", "403", "ok", "404")),
    # Only the invited account sees its invitation (here the outsider); to anyone else it does not exist.
    "courses:invitation": (
        _row("login", "ok", "404", "404", "404", "404", "404"),
        _row("login", "ok", "404", "404", "404", "404", "404"),
    ),
    "posts:preview": (_row(*["405"] * 7), LOGGED_IN_PAGE),
    "posts:upload": (_row(*["405"] * 7), _row("login", "ok", "ok", "ok", "ok", "ok", "ok")),
    "posts:front": (COURSE_PAGE, COURSE_PAGE_POST),
    "posts:write": (LOGIN_THEN_MEMBERS, LOGIN_THEN_MEMBERS),
    "posts:drafts": (LOGIN_THEN_MEMBERS, _row("login", "404", "405", "405", "405", "405", "404")),
    "posts:edit": (
        _row("login", "404", "403", "ok", "403", "403", "404"),
        _row("login", "404", "403", "ok", "403", "403", "404"),
    ),
    "posts:unpublish": (_row(*["405"] * 7), _row("login", "404", "403", "ok", "403", "ok", "404")),
    "posts:category": (COURSE_PAGE, COURSE_PAGE_POST),
    "posts:tag": (COURSE_PAGE, COURSE_PAGE_POST),
    "posts:author": (COURSE_PAGE, COURSE_PAGE_POST),
    "posts:archive-month": (COURSE_PAGE, COURSE_PAGE_POST),
    "posts:detail": (COURSE_PAGE, COURSE_PAGE_POST),
    # An image of a members-only course's live post: its readers only (a 404 to anyone else).
    "posts:image": (COURSE_PAGE, _row(*["405"] * 7)),
    "comments:notification-settings": (LOGGED_IN_PAGE, LOGGED_IN_PAGE),
    # The signed link is the proof: whoever holds it sees the confirmation page.
    "comments:mute": (PUBLIC_PAGE, PUBLIC_PAGE),
    "comments:create": (_row(*["405"] * 7), _row("404", "404", "ok", "ok", "ok", "ok", "404")),
    "comments:edit": (
        _row("login", "404", "403", "ok", "403", "403", "404"),
        _row("login", "404", "403", "ok", "403", "403", "404"),
    ),
    # The author removes their own comment here; instructors moderate (remove included) below.
    "comments:remove": (_row(*["405"] * 7), _row("login", "404", "403", "ok", "403", "403", "404")),
    "comments:moderate": (_row(*["405"] * 7), _row("login", "404", "403", "403", "403", "ok", "404")),
    "comments:history": (
        _row("login", "404", "403", "403", "403", "ok", "404"),
        _row(*["405"] * 7),
    ),
    "awards:hall-of-fame": (COURSE_PAGE, _row(*["405"] * 7)),
    "awards:to-read": (
        _row("login", "404", "403", "403", "ok", "ok", "404"),
        _row(*["405"] * 7),
    ),
    "awards:give": (
        _row("login", "404", "403", "403", "ok", "ok", "404"),
        _row("login", "404", "403", "403", "ok", "ok", "404"),
    ),
    "awards:revoke": (_row(*["405"] * 7), _row("login", "404", "403", "403", "403", "ok", "404")),
    "coursework:prompts": (COURSE_PAGE, COURSE_PAGE_POST),
    "coursework:prompt": (COURSE_PAGE, COURSE_PAGE_POST),
    # Excusing a student or extending their due time: the course's instructors only.
    "coursework:accommodation": (_row(*["405"] * 7), _row("login", "404", "403", "403", "403", "ok", "404")),
    "coursework:email-settings": (LOGGED_IN_PAGE, LOGGED_IN_PAGE),
    "coursework:choice": (COURSE_PAGE, _row(*["405"] * 7)),
    "coursework:choice-week": (COURSE_PAGE, _row(*["405"] * 7)),
    # Students vote; instructors do not (they close the vote instead).
    "coursework:vote": (_row(*["405"] * 7), _row("login", "404", "ok", "ok", "ok", "403", "404")),
    "coursework:choice-close": (_row(*["405"] * 7), _row("login", "404", "403", "403", "403", "ok", "404")),
    "coursework:digests": (COURSE_PAGE, _row(*["405"] * 7)),
    "coursework:digest": (COURSE_PAGE, _row(*["405"] * 7)),
    # The editorial team of the day writes and publishes the digest.
    "coursework:digest-edit": (
        _row("login", "404", "403", "403", "ok", "ok", "404"),
        _row("login", "404", "403", "403", "ok", "ok", "404"),
    ),
    "search:results": (COURSE_PAGE, COURSE_PAGE_POST),
    # For search engines: they name no course, and list only public courses' pages.
    "robots": (PUBLIC_PAGE, _row(*["405"] * 7)),
    "sitemap": (PUBLIC_PAGE, _row(*["405"] * 7)),
    "sitemap-section": (PUBLIC_PAGE, _row(*["405"] * 7)),
    **{f"feeds:{kind}": (COURSE_PAGE, _row(*["405"] * 7)) for kind in FEED_KINDS},
    # A private feed link is the proof, like the mute link: whoever holds it reads that one course.
    **{f"feeds:private-{kind}": (PUBLIC_PAGE, _row(*["405"] * 7)) for kind in FEED_KINDS},
    "feeds:account": (LOGGED_IN_PAGE, _row(*["405"] * 7)),
    "feeds:new-link": (_row(*["405"] * 7), LOGIN_THEN_MEMBERS),
    # The reader's own corner: about the reader, not a course (but a display name is per course).
    "account:home": (LOGGED_IN_PAGE, _row(*["405"] * 7)),
    "account:display-name": (_row(*["405"] * 7), LOGIN_THEN_MEMBERS),
    "account:email-change": (_row(*["405"] * 7), LOGGED_IN_PAGE),
    # Another account's link is a 400 page that changes nothing ("ok" here: it refuses with a message).
    "account:email-confirm": (LOGGED_IN_PAGE, LOGGED_IN_PAGE),
    "account:whats-new": (LOGGED_IN_PAGE, _row("login", *["405"] * 6)),
    "account:notices-read": (_row(*["405"] * 7), LOGGED_IN_PAGE),
    "account:notice-open": (_row(*["405"] * 7), _row("login", "404", "ok", "404", "404", "404", "404")),
    # The writing desk: members autosave a new post; a post's own autosave is its author's (400: the
    # empty form has no version). Its revisions are the author's and the instructors' to read; only
    # the author restores one (the others of the course cannot tell it exists).
    "revisions:autosave-new": (_row(*["405"] * 7), LOGIN_THEN_MEMBERS),
    "revisions:autosave": (_row(*["405"] * 7), _row("login", "404", "403", "ok", "403", "403", "404")),
    "revisions:list": (_row("login", "404", "404", "ok", "404", "ok", "404"), _row(*["405"] * 7)),
    "revisions:diff": (_row("login", "404", "404", "ok", "404", "ok", "404"), _row(*["405"] * 7)),
    "revisions:restore": (_row(*["405"] * 7), _row("login", "404", "404", "ok", "404", "403", "404")),
    # Consent to publish is the student's own act: never an instructor's (and in this members-only
    # course there is nothing to give: 403); revoking is always allowed.
    "courses:consent-give": (_row(*["405"] * 7), _row("login", "404", "403", "403", "403", "403", "404")),
    "courses:consent-revoke": (_row(*["405"] * 7), _row("login", "404", "ok", "ok", "ok", "403", "404")),
    # A reader's own data: about the reader; a pseudonym and taking posts out of view are per course.
    "privacy:my-data": (LOGGED_IN_PAGE, _row(*["405"] * 7)),
    "privacy:my-data-download": (LOGGED_IN_PAGE, _row(*["405"] * 7)),
    "privacy:pseudonym": (_row(*["405"] * 7), LOGIN_THEN_MEMBERS),
    "privacy:withdraw": (_row(*["405"] * 7), LOGIN_THEN_MEMBERS),
    # Without the password, a 400 form that deletes nothing ("ok" here).
    "privacy:account-delete": (LOGGED_IN_PAGE, LOGGED_IN_PAGE),
    # The term's end: the course's instructors archive it and download it as a static site.
    "privacy:course-archive": (
        _row("login", "404", "403", "403", "403", "ok", "404"),
        _row("login", "404", "403", "403", "403", "ok", "404"),
    ),
    "privacy:static-site": (_row("login", "404", "403", "403", "403", "ok", "404"), _row(*["405"] * 7)),
    # The campus LMS: the platform posts the login and the launch cross-site, signed (CSRF_EXEMPT below);
    # without a launch or a token they are 400 pages for everyone.
    "lti:jwks": (PUBLIC_PAGE, _row(*["405"] * 7)),
    "lti:login": (PUBLIC_PAGE, PUBLIC_PAGE),
    "lti:launch": (_row(*["405"] * 7), PUBLIC_PAGE),
    "lti:link-course": (_row("login", *["405"] * 6), LOGGED_IN_PAGE),
    "lti:deep-link": (_row("login", *["405"] * 6), LOGGED_IN_PAGE),
    # The reader's language: a cookie for anyone (no CSRF token: CSRF_EXEMPT), the scripts' strings too.
    "set-language": (PUBLIC_PAGE, PUBLIC_PAGE),
    "javascript-catalog": (PUBLIC_PAGE, _row(*["405"] * 7)),
    # The load balancer's probe: anyone may read it (it names no one); it changes nothing.
    "ops:healthz": (PUBLIC_PAGE, _row(*["405"] * 7)),
}


def test_every_url_pattern_has_an_entry():
    missing = _url_names() - set(TABLE)
    assert not missing, f"add these views to the authorization table: {sorted(missing)}"
    stale = set(TABLE) - _url_names()
    assert not stale, f"these entries name no view any more: {sorted(stale)}"


def _outcome(response) -> str:
    if response.status_code in (403, 404, 405):
        return str(response.status_code)
    if response.status_code in (301, 302) and "/accounts/login/" in response.headers.get("Location", ""):
        return "login"
    if response.status_code < 400 or response.status_code == 400:
        return "ok"
    return str(response.status_code)


def _writes(queries) -> list[str]:
    """SQL statements that change data, other than the session store."""
    changing = ("INSERT", "UPDATE", "DELETE")
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(changing) and "django_session" not in q["sql"]
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("url_name", sorted(TABLE))
def test_who_may_get_and_post(url_name, actor):
    world = _world_for(url_name)
    url = reverse(url_name, kwargs=_kwargs(world).get(url_name))
    expected_get, expected_post = TABLE[url_name]
    client = Client()
    if world.users[actor] is not None:
        client.force_login(world.users[actor])

    with CaptureQueriesContext(connection) as queries:
        got = _outcome(client.get(url))
    assert got == expected_get[actor], f"GET {url} as {actor}: {got}, expected {expected_get[actor]}"
    # No state change on GET.
    assert _writes(queries.captured_queries) == [], f"GET {url} as {actor} wrote to the database"

    got = _outcome(client.post(url, {}))
    assert got == expected_post[actor], f"POST {url} as {actor}: {got}, expected {expected_post[actor]}"


# The LMS posts these from its own site: the state cookie, the one-use nonce and the platform's
# signature on the token stand in for the CSRF token (tests/lti/test_launch.py refuses each forgery).
# The language switcher sets only the reader's own language cookie (coursesite/urls.py says why).
CSRF_EXEMPT = {"lti:login", "lti:launch", "set-language"}
ACCEPTS_POST = sorted(
    name for name, (_, post) in TABLE.items() if "ok" in post.values() and name not in CSRF_EXEMPT
)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ACCEPTS_POST)
def test_every_state_change_needs_the_csrf_token(url_name):
    """As the most privileged actor the table allows, a POST without the token is refused."""
    world = _world_for(url_name)
    url = reverse(url_name, kwargs=_kwargs(world).get(url_name))
    _, expected_post = TABLE[url_name]
    allowed = [actor for actor in ACTORS if expected_post[actor] == "ok"]
    actor = "instructor" if "instructor" in allowed else allowed[-1]
    client = Client(enforce_csrf_checks=True)
    if world.users[actor] is not None:
        client.force_login(world.users[actor])
    response = client.post(url, {})
    assert response.status_code == 403, f"POST {url} as {actor} without a CSRF token: {response.status_code}"
