"""The demo's week: prompts in the seed's spirit, a late response, votes, a closed week, a digest.

Dates follow the posts demo (posts dated from today backwards), laid on the
course's weeks in its own zone, America/New_York (the seed course's campus):
- this week's prompt, "De-Stalinization and the Thaw", is open; the seed post
  answers it on time; students are asked to comment on two classmates' posts;
- last week's prompt has an on-time and a late response and an excused student;
- last week's Students' Choice is closed, with votes and a winner, and its
  digest is published with a red star and Comrades' Corner;
- this week's vote is open, with a few votes in, for a newcomer to add theirs;
- next week's prompt is written, and seen only by the instructor until it opens.
"""

import datetime
import zoneinfo

from django.utils import timezone

from awards.models import Award, AwardType
from awards.services import award_grant
from comments.demo import HELD_POST_TITLE, THREAD_POST_TITLE
from comments.models import Comment
from comments.services import recount
from courses.demo import register
from courses.models import Membership
from posts.demo import SEED_SLUG
from posts.models import Post

from . import choice, weeks
from .models import Accommodation, ChoiceClose, Digest, DigestFeature, Prompt, PromptResponse, Vote

ZONE = "America/New_York"

THAW = (
    "de-stalinization-and-the-thaw",
    "De-Stalinization and the Thaw",
    "Khrushchev's Secret Speech of February 1956 opened a decade of change. Choose one "
    "primary source from the Thaw (the amnesty of 1953, a letter to *Novy Mir*, a newsreel) "
    "and ask: **who gained new freedoms, and who did not?**\n\n"
    "- 600 to 1,000 words, with at least one image and its credit.\n"
    "- Cite your sources in footnotes.\n"
    "- Then answer two classmates' posts by the comment due date.",
)
KHRUSHCHEV = (
    "khrushchev-at-home",
    "Khrushchev at Home: Land, Rockets and Kitchens",
    "Khrushchev promised to overtake America in milk, meat and rockets. Pick one of his "
    "campaigns (Virgin Lands, Sputnik, housing) and weigh the promise against what people lived.",
)
SUCCESSION = (
    "after-stalin",
    "After Stalin: The Succession Struggle",
    "Stalin died on 5 March 1953. Read the obituaries and tell us what they hide.",
)
CUBA = (
    "the-cuban-missile-crisis",
    "The Cuban Missile Crisis from Moscow",
    "Thirteen days in October 1962, read through Soviet newspapers.",
)

# Comrades' Corner needs a discussion: classmates answer last week's posts.
LAST_WEEK_COMMENTS = [
    ("kpeters", "The ration figures you found are striking. Did the letters say how long the queues were?"),
    ("rkw15", "I had not thought about the rockets as something people felt proud of at home."),
    ("caitlin", "Your ending made me go back to the source: great close reading."),
    ("jslattery", "Check the 1958 figures too; they tell a different story."),
]


def _at(course, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=course.tz)


def _prompt(course, spec, *, opens_at, due_at, by, comments_required=0, comments_due_at=None):
    slug, title, body = spec
    prompt, _ = Prompt.objects.update_or_create(
        course=course,
        slug=slug,
        defaults={
            "title": title,
            "body": body,
            "opens_at": opens_at,
            "due_at": due_at,
            "comments_required": comments_required,
            "comments_due_at": comments_due_at,
            "created_by": by,
            # Demo history: nobody is emailed about openings that are already past.
            "opening_sent_at": opens_at if opens_at <= timezone.now() else None,
        },
    )
    return prompt


def _answers(prompt, post):
    if post is not None:
        PromptResponse.objects.update_or_create(post=post, defaults={"prompt": prompt})


def _week_posts(course, week):
    start, end = weeks.bounds(course, week)
    return list(
        Post.objects.published()
        .filter(course=course, published_at__gte=start, published_at__lt=end)
        .select_related("author", "course")
        .order_by("published_at")
    )


@register
def seed(context):
    course = context.course
    users = context.users
    if course.time_zone != ZONE and ZONE in zoneinfo.available_timezones():
        course.time_zone = ZONE
        course.save(update_fields=["time_zone"])
    nelson = users["nelson"]
    now = timezone.now()
    today = weeks.local(course, now).date()
    this_week = weeks.week_of(course, now)
    last_week = this_week - weeks.ONE_WEEK

    # This week's prompt: opened five days ago, due in two days at 23:59, comments three days later.
    thaw = _prompt(
        course,
        THAW,
        opens_at=_at(course, today - datetime.timedelta(days=5), 9),
        due_at=_at(course, today + datetime.timedelta(days=2), 23, 59),
        comments_required=2,
        comments_due_at=_at(course, today + datetime.timedelta(days=5), 23, 59),
        by=nelson,
    )
    seed_post = Post.objects.get(course=course, slug=SEED_SLUG)
    _answers(thaw, seed_post)
    _answers(thaw, Post.objects.filter(course=course, title__startswith="The Thaw in Print").first())

    # Last week's prompt, due a week ago: one response on time, one a day late, one student excused.
    khrushchev = _prompt(
        course,
        KHRUSHCHEV,
        opens_at=_at(course, today - datetime.timedelta(days=12), 9),
        due_at=_at(course, today - datetime.timedelta(days=7), 23, 59),
        by=nelson,
    )
    _answers(
        khrushchev, Post.objects.filter(course=course, title__startswith="Sputnik and the Space").first()
    )
    _answers(
        khrushchev, Post.objects.filter(course=course, title__startswith="Virgin Lands:").first()
    )  # late
    dima = Membership.objects.get(course=course, user=users["dmorozov"])
    Accommodation.objects.update_or_create(
        prompt=khrushchev,
        member=dima,
        defaults={"excused": True, "reason": "At the Moscow archive that week.", "granted_by": nelson},
    )

    succession = _prompt(
        course,
        SUCCESSION,
        opens_at=_at(course, today - datetime.timedelta(days=20), 9),
        due_at=_at(course, today - datetime.timedelta(days=14), 23, 59),
        by=nelson,
    )
    _answers(succession, Post.objects.filter(course=course, title__startswith="Communal Apartments").first())

    next_monday = this_week + weeks.ONE_WEEK
    _prompt(
        course,
        CUBA,
        opens_at=_at(course, next_monday, 9),
        due_at=_at(course, next_monday + datetime.timedelta(days=4), 17),
        by=nelson,
    )

    _last_week(context, course, last_week)
    _this_weeks_votes(context, course, this_week)


def _last_week(context, course, week):
    """Discussion, votes, the close into a Students' Choice, a red star and the published digest."""
    users = context.users
    posts = _week_posts(course, week)
    if len(posts) < 2:
        return
    start, end = weeks.bounds(course, week)
    # The comments demo's posts keep exactly their own discussion; the others get this one.
    others = [p for p in posts if p.slug != SEED_SLUG and p.title not in (THREAD_POST_TITLE, HELD_POST_TITLE)]
    favourite = others[0] if others else posts[0]
    runner_up = next(p for p in posts if p != favourite)
    discussed = others[:2]
    for n, (username, body) in enumerate(LAST_WEEK_COMMENTS if discussed else []):
        target = discussed[n % len(discussed)]
        if users[username].pk == target.author_id:
            continue
        if not Comment.objects.filter(post=target, author=users[username], body=body).exists():
            comment = Comment.objects.create(
                post=target, author=users[username], body=body, status=Comment.Status.APPROVED
            )
            at = min(
                target.published_at + datetime.timedelta(hours=4 + n), end - datetime.timedelta(minutes=5)
            )
            Comment.objects.filter(pk=comment.pk).update(created_at=at)
    for post in discussed:
        recount(post=post)

    for member in Membership.objects.students().filter(course=course):
        # Most of the class picks the favourite; nobody votes for their own post.
        chosen = next((p for p in (favourite, runner_up) if p.author_id != member.user_id), None)
        if chosen is not None:
            Vote.objects.update_or_create(course=course, week=week, voter=member, defaults={"post": chosen})
    if not ChoiceClose.objects.filter(course=course, week=week).exists():
        choice.close_week(course=course, week=week, closed_by=None, now=end, notify=False)

    red_star = AwardType.objects.filter(course=course, slug="red-star").first()
    if (
        red_star is not None
        and not Award.objects.active().filter(post=favourite, award_type=red_star).exists()
    ):
        award_grant(
            post=favourite,
            award_type=red_star,
            by=users["nelson"],
            note="The week's most-discussed post, and rightly: it reads the source against the grain.",
            note_public=True,
            notify=False,
        )
    # Given within the week it crowns, as the team would have (the awards demo dates its stars today).
    Award.objects.active().filter(post=favourite, award_type=red_star).update(
        given_at=end - datetime.timedelta(hours=2)
    )

    digest, _ = Digest.objects.update_or_create(
        course=course,
        week=week,
        defaults={
            "introduction": (
                "Welcome to this week's digest. Khrushchev's campaigns filled your posts: "
                "rockets, corn and kitchens. Read the red star below, and answer a classmate "
                "whose post is still waiting for a response."
            ),
            "status": Digest.Status.PUBLISHED,
            "published_at": end + datetime.timedelta(days=2, hours=10),
            "published_by": users["nelson"],
        },
    )
    for position, post in enumerate((favourite, runner_up)):
        DigestFeature.objects.update_or_create(digest=digest, post=post, defaults={"position": position})


# Early in the week (a Monday morning) the posts demo's dates leave this week empty:
# these two are moved into it, so there is always something to vote for.
MOVED_INTO_THIS_WEEK = ("The Anti-Party Group of 1957", "Letters Home from the Virgin Lands")


def _this_weeks_votes(context, course, week):
    """Two classmates have voted this week; the rest of the class (and a newcomer) may still vote."""
    posts = _week_posts(course, week)
    if len(posts) < 3:
        start = weeks.bounds(course, week)[0]
        elapsed = timezone.now() - start
        for n, title in enumerate(MOVED_INTO_THIS_WEEK, start=1):
            Post.objects.filter(course=course, title=title).update(published_at=start + elapsed * n / 3)
        posts = _week_posts(course, week)
    for username in ("cpurvis2", "jslattery"):
        member = Membership.objects.get(course=course, user=context.users[username])
        candidates = [p for p in posts if p.author_id != member.user_id]
        if candidates:
            Vote.objects.update_or_create(
                course=course, week=week, voter=member, defaults={"post": candidates[0]}
            )
