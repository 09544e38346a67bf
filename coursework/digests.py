"""The weekly digest: what the week brought (computed), and what the editors add (stored).

digest_contents() computes a week's digest from the course's rows, in a fixed
number of queries whatever the size of the week: the awards of the week's
posts, its Students' Choice, Comrades' Corner, the prompts due, the posts still
waiting for a response, and the editors' featured posts. The Digest row holds
only what people wrote or chose (introduction, featured posts, published or
not), so a published digest keeps up with awards given or comments approved
after it went out.

A week's posts are the live posts published in it (coursework.weeks, in the
course's zone). Every section is about them: "the week's awards" are the
standing awards on the week's posts, whenever given (the team reads a week and
awards its posts on the Wednesday after, when it compiles the digest), and the
Students' Choice is the vote-given award on a post of the week, which only the
close of that week gives.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from awards.models import Award, AwardType
from awards.permissions import on_team
from comments.models import Comment
from core import mail
from core.language import language_of
from courses.models import Membership
from posts.models import Post, consented, live, public

from . import choice, coverage, prompts, weeks
from .models import ChoiceClose, Digest, DigestFeature, Prompt, Vote

logger = logging.getLogger(__name__)

CORNER_SIZE = 5  # Comrades' Corner: the five most-discussed posts
WAITING_SHOWN = 10  # posts waiting for a response listed; "and more" past that
INTRODUCTION_MAX_CHARS = 10_000


class DigestRefused(PermissionDenied):
    """A digest action the rules forbid. Views answer 403 with this message."""


def _author_name(post_path: str = ""):
    """The display name of a post's author in the post's course, as a subquery column."""
    prefix = f"{post_path}__" if post_path else ""
    return Subquery(
        Membership.objects.filter(course=OuterRef(f"{prefix}course"), user=OuterRef(f"{prefix}author"))
        .order_by()
        .values("display_name")[:1]
    )


def _others_comments(aggregate):
    """Approved comments on the outer post by an account other than its author, aggregated per post."""
    comments = (
        Comment.objects.approved()
        .filter(post=OuterRef("pk"), author__isnull=False)
        .exclude(author=OuterRef("author"))
        .order_by()
        .values("post")
        .annotate(n=aggregate)
        .values("n")
    )
    return Coalesce(Subquery(comments, output_field=IntegerField()), 0)


def comrades_corner(course, week: datetime.date, size: int = CORNER_SIZE, *, members=True) -> list[Post]:
    """The week's most-discussed posts: one query.

    Ranked by approved comments from classmates (accounts other than the
    author: their own replies and guests do not count), then by distinct such
    commenters, then newest first. Posts nobody else commented on are left out.
    Each post carries `discussion_comments` and `discussion_commenters`.
    """
    start, end = weeks.bounds(course, week)
    return list(
        (Post.objects.published() if members else Post.objects.public())  # members=False: issue 18
        .filter(course=course, published_at__gte=start, published_at__lt=end)
        .select_related("course", "author")
        .defer("body", "body_html")
        .annotate(
            author_display_name=_author_name(),
            discussion_comments=_others_comments(Count("pk")),
            discussion_commenters=_others_comments(Count("author", distinct=True)),
        )
        .filter(discussion_comments__gt=0)
        .order_by("-discussion_comments", "-discussion_commenters", "-published_at", "-pk")[:size]
    )


@dataclass
class PromptDue:
    prompt: Prompt
    answered: int
    due_label: str


@dataclass
class DigestContents:
    course: object
    week: datetime.date
    start_label: str
    end_label: str
    awards: list[Award] = field(default_factory=list)  # team and instructors' awards of the week's posts
    choice_close: ChoiceClose | None = None
    students_choice: list[Award] = field(default_factory=list)
    vote_ended: bool = False
    votes_being_counted: bool = False
    corner: list[Post] = field(default_factory=list)
    prompts: list[PromptDue] = field(default_factory=list)
    waiting: list[Post] = field(default_factory=list)
    more_waiting: bool = False
    featured: list[Post] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.awards or self.students_choice or self.corner or self.prompts or self.waiting)


def digest_contents(course, week: datetime.date, *, members: bool = True) -> DigestContents:
    """Everything a week's digest shows but the introduction, however big the week.

    Eight queries; nine while an ended week's vote waits for `tick` to close it.
    members=False is the digest for readers who are not members: the posts of
    consenting authors only (issue 18).
    """
    start, end = weeks.bounds(course, week)
    week_posts = Post.objects.published().filter(course=course, published_at__gte=start, published_at__lt=end)
    if not members:
        week_posts = week_posts.filter(consented())
    contents = DigestContents(
        course=course,
        week=week,
        start_label=weeks.label(course, start),
        end_label=weeks.label(course, end - datetime.timedelta(minutes=1)),
    )

    awards = list(
        Award.objects.active()
        .filter(award_type__course=course, post__in=week_posts.values("pk"))
        .select_related("award_type__course", "post__course", "post__author")
        .defer("post__body", "post__body_html")
        .annotate(post_author_name=_author_name("post"))
        .order_by("given_at", "pk")
    )
    for award in awards:
        award.post.author_display_name = award.post_author_name
        if not award.note_public:
            award.note = ""  # a private note never leaves this function
    contents.awards = [a for a in awards if a.award_type.given_by != AwardType.GivenBy.VOTE]
    contents.students_choice = [a for a in awards if a.award_type.given_by == AwardType.GivenBy.VOTE]
    contents.choice_close = ChoiceClose.objects.filter(course=course, week=week).first()
    contents.vote_ended = weeks.has_ended(course, week)
    if contents.vote_ended and contents.choice_close is None:
        # Over, not closed: `tick` closes it within minutes if anyone voted; otherwise it never closes.
        contents.votes_being_counted = Vote.objects.filter(course=course, week=week).exists()

    contents.corner = comrades_corner(course, week, members=members)

    due = list(prompts.due_in(course, start, end))
    for prompt in due:
        prompt.course = course  # its URL names the course: no query per prompt
    counts = prompts.answered_counts(due)
    contents.prompts = [
        PromptDue(prompt=p, answered=counts.get(p.pk, 0), due_label=weeks.label(course, p.due_at))
        for p in due
    ]

    waiting = list(coverage.waiting_for_response(course, week, limit=WAITING_SHOWN + 1, members=members))
    contents.waiting, contents.more_waiting = waiting[:WAITING_SHOWN], len(waiting) > WAITING_SHOWN

    features = (
        DigestFeature.objects.filter(
            live("post__") if members else public("post__"), digest__course=course, digest__week=week
        )
        .select_related("post__course", "post__author")
        .defer("post__body", "post__body_html")
        .annotate(post_author_name=_author_name("post"))
        .order_by("position", "pk")
    )
    for feature in features:
        feature.post.author_display_name = feature.post_author_name
        contents.featured.append(feature.post)
    return contents


# --- Who edits, and the editors' writes ----------------------------------------


def may_edit(user, course) -> bool:
    """The editorial team on the day (instructors, and students whose term covers today)."""
    return user.is_authenticated and on_team(user, course)


def check_may_edit(user, course) -> None:
    if not may_edit(user, course):
        raise DigestRefused(
            _(
                "Only the editorial team writes the digest: the instructors, "
                "and students on the days of their term."
            )
        )


def week_posts_to_feature(course, week: datetime.date) -> list[Post]:
    """The posts the editors may feature: the week's live posts, oldest first."""
    return list(choice.week_posts(course, week))


@dataclass
class SaveResult:
    digest: Digest
    published_now: bool  # this save published it (so its emails are on their way)


def digest_save(
    *,
    course,
    week: datetime.date,
    introduction: str,
    featured: list[Post],
    by,
    publish: bool = False,
    now: datetime.datetime | None = None,
    notify: bool = True,
) -> SaveResult:
    """Store the editors' introduction and featured posts (in their order), and publish if asked.

    Publishing sets who and when once; the members who want it are emailed
    after the commit, once, however often it is published or edited since.
    A week may be published once it has begun (the digest usually covers a
    week that ended; the editors decide when it is ready). `notify=False` is
    for recorded history (the demo), where nobody should be emailed now.
    """
    now = now or timezone.now()
    check_may_edit(by, course)
    if choice.is_future(course, week, now):
        raise DigestRefused(_("This week has not started yet."))
    introduction = introduction.strip()
    if len(introduction) > INTRODUCTION_MAX_CHARS:
        raise DigestRefused(
            _("Keep the introduction under %(limit)s characters.") % {"limit": INTRODUCTION_MAX_CHARS}
        )
    start, end = weeks.bounds(course, week)
    for post in featured:
        if post.course_id != course.pk or not post.is_live or not start <= post.published_at < end:
            raise DigestRefused(
                _("“%(title)s” is not a published post of this week.") % {"title": post.title}
            )
    with transaction.atomic():
        # The row lock makes two editors publishing at once send one set of emails.
        digest, _created = Digest.objects.select_for_update().get_or_create(course=course, week=week)
        digest.introduction = introduction
        published_now = publish and not digest.is_published
        if published_now:
            digest.status = Digest.Status.PUBLISHED
            digest.published_at = now
            digest.published_by = by
        digest.save()
        DigestFeature.objects.filter(digest=digest).delete()
        DigestFeature.objects.bulk_create(
            [DigestFeature(digest=digest, post=post, position=n) for n, post in enumerate(featured)]
        )
    if published_now and notify:
        # After commit, so a rolled-back publication sends nothing; robust, so a mail
        # failure is logged instead of failing a publication that has succeeded.
        transaction.on_commit(lambda: email_digest(digest), robust=True)
    return SaveResult(digest=digest, published_now=published_now)


# --- The email ------------------------------------------------------------------


def recipients(course):
    """Members with an email who want digests (no preference row means yes): one query."""
    return (
        Membership.objects.filter(course=course, user__is_active=True)
        .exclude(user__email="")
        .exclude(user__week_email_preference__on_digest=False)
        .select_related("user", "user__language_preference")  # each email in its reader's language
        .order_by("pk")
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _title(digest: Digest) -> str:
    """The email's subject and first line: the course and the week, "3 November 2014"."""
    return _("%(course)s: the digest of the week of %(week)s") % {
        "course": digest.course.title,
        "week": date_format(digest.week, "j E Y"),
    }


def _discussion(post) -> str:
    comments = ngettext("%(count)s comment", "%(count)s comments", post.discussion_comments) % {
        "count": post.discussion_comments
    }
    classmates = npgettext(
        "comments from how many classmates",
        "%(count)s classmate",
        "%(count)s classmates",
        post.discussion_commenters,
    ) % {"count": post.discussion_commenters}
    return _("%(comments)s from %(classmates)s") % {"comments": comments, "classmates": classmates}


def email_body(digest: Digest, contents: DigestContents) -> str:
    course = digest.course
    lines = [_title(digest), ""]
    if digest.introduction:
        lines += [digest.introduction, ""]  # Markdown reads as plain text
    if contents.featured:
        lines.append(_("Featured by the editors:"))
        for post in contents.featured:
            by = _("%(title)s, by %(author)s") % {"title": post.title, "author": post.display_author}
            lines += [f"- {by}", f"  {_absolute(post.get_absolute_url())}"]
        lines.append("")
    if contents.students_choice:
        lines.append(_("The Students' Choice:"))
        for award in contents.students_choice:
            lines += [f"- {award.post.title}", f"  {_absolute(award.post.get_absolute_url())}"]
        lines.append("")
    if contents.corner:
        lines.append(_("Comrades' Corner, the most-discussed posts of the week:"))
        for post in contents.corner:
            lines += [f"- {post.title}: {_discussion(post)}", f"  {_absolute(post.get_absolute_url())}"]
        lines.append("")
    lines += [
        _("Read the whole digest: %(url)s") % {"url": _absolute(digest.get_absolute_url())},
        "",
        "--",
        _("You get this email as a member of %(course)s.") % {"course": course.title},
        _("To stop digest emails, turn them off here: %(url)s")
        % {"url": _absolute(reverse("coursework:email-settings"))},
    ]
    return "\n".join(lines)


def email_digest(digest: Digest) -> int:
    """Email the published digest to each member who wants it, one email each; how many were sent."""
    course = digest.course
    contents = digest_contents(course, digest.week)
    written = {}  # (subject, body) by language: each is written once, whoever many read it
    sent = 0
    for membership in recipients(course):
        language = language_of(membership.user)
        if language not in written:
            with mail.in_language_of(membership.user):
                written[language] = (_title(digest), email_body(digest, contents))
        subject, body = written[language]
        mail.send(subject=subject, body=body, to=[membership.user.email])
        sent += 1
    logger.info("Digest %s emailed to %s members", digest.pk, sent)
    return sent
