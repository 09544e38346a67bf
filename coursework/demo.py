"""The demo's week: prompts in the seed's spirit, a late response, votes, a closed week, a digest.

Dates follow the posts demo (posts laid on the course's weeks, up to today), in
the course's own zone, America/New_York (the seed course's campus), and pass
through the demo calendar's `fit`, so they stay inside the current term:
- this week's prompt, "De-Stalinization and the Thaw", is open; the seed post
  answers it on time; students are asked to comment on two classmates' posts;
- last week's prompt has an on-time and a late response and an excused student;
- last week's Students' Choice is closed, with votes and a winner, and its
  digest is published with a red star and Comrades' Corner;
- this week's vote is open, with a few votes in, for a newcomer to add theirs;
- next week's prompt is written, and seen only by the instructor until it opens.
"""

import datetime

from django.utils import timezone

from awards.models import Award, AwardType
from awards.services import award_grant
from comments.demo import HELD_POST_TITLE, THREAD_POST_TITLE
from courses.demo import register
from courses.models import Membership
from posts.demo import LAST_WEEKS_PROMPT, SEED_SLUG, THIS_WEEKS_PROMPT_OPENS, TWO_WEEKS_AGO_PROMPT
from posts.demo_texts import (
    GULAG_MEMOIR_TITLE,
    HOUSING_TITLE,
    SAMIZDAT_TITLE,
    SECRET_SPEECH_TITLE,
    SPUTNIK_TITLE,
    THAW_TITLE,
    VIRGIN_LANDS_TITLE,
)
from posts.models import Post

from . import choice, weeks
from .models import Accommodation, ChoiceClose, Digest, DigestFeature, Prompt, PromptResponse, Vote

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


def _at(course, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=course.tz)


def _day(course, today, days, hour, minute=0):
    return _at(course, today + datetime.timedelta(days=days), hour, minute)


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
    fit = context.calendar.fit
    nelson = users["nelson"]
    now = context.calendar.now
    today = weeks.local(course, now).date()
    this_week = weeks.week_of(course, now)
    last_week = this_week - weeks.ONE_WEEK

    def post(title):
        return Post.objects.filter(course=course, title=title).first()

    # This week's prompt: opened five days ago, due in two days at 23:59, comments three days later.
    thaw = _prompt(
        course,
        THAW,
        opens_at=fit(_day(course, today, *THIS_WEEKS_PROMPT_OPENS)),
        due_at=_at(course, today + datetime.timedelta(days=2), 23, 59),
        comments_required=2,
        comments_due_at=_at(course, today + datetime.timedelta(days=5), 23, 59),
        by=nelson,
    )
    seed_post = Post.objects.get(course=course, slug=SEED_SLUG)
    _answers(thaw, seed_post)
    _answers(thaw, post(THAW_TITLE))

    # Last week's prompt, due a week ago: two responses on time, one a day late, one student excused.
    opens, due = LAST_WEEKS_PROMPT
    khrushchev = _prompt(
        course,
        KHRUSHCHEV,
        opens_at=fit(_day(course, today, *opens)),
        due_at=fit(_day(course, today, *due)),
        by=nelson,
    )
    _answers(khrushchev, post(SPUTNIK_TITLE))
    _answers(khrushchev, post(HOUSING_TITLE))
    _answers(khrushchev, post(VIRGIN_LANDS_TITLE))  # late
    dima = Membership.objects.get(course=course, user=users["dmorozov"])
    Accommodation.objects.update_or_create(
        prompt=khrushchev,
        member=dima,
        defaults={"excused": True, "reason": "At the Moscow archive that week.", "granted_by": nelson},
    )

    opens, due = TWO_WEEKS_AGO_PROMPT
    succession = _prompt(
        course,
        SUCCESSION,
        opens_at=fit(_day(course, today, *opens)),
        due_at=fit(_day(course, today, *due)),
        by=nelson,
    )
    _answers(succession, post(GULAG_MEMOIR_TITLE))

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
    calendar = context.calendar
    start, end = weeks.bounds(course, week)
    # The class's favourite is a post the comments demo gave a conversation (the housing post), so
    # Comrades' Corner and the star agree; the thread and held-comment posts are runners-up.
    others = [p for p in posts if p.slug != SEED_SLUG and p.title not in (THREAD_POST_TITLE, HELD_POST_TITLE)]
    favourite = others[0] if others else posts[0]
    runner_up = next(p for p in posts if p != favourite)

    for member in Membership.objects.students().filter(course=course):
        # Most of the class picks the favourite; nobody votes for their own post.
        chosen = next((p for p in (favourite, runner_up) if p.author_id != member.user_id), None)
        if chosen is not None:
            Vote.objects.update_or_create(course=course, week=week, voter=member, defaults={"post": chosen})
    if not ChoiceClose.objects.filter(course=course, week=week).exists():
        choice.close_week(course=course, week=week, closed_by=None, now=end, notify=False)
        # Given when the week closed, as the tick would have (the service dates it now).
        Award.objects.active().filter(
            award_type__course=course, award_type__slug=choice.STUDENTS_CHOICE_SLUG, post__in=posts
        ).update(given_at=end)

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
    # Given within the week it crowns, as the team would have, and after the post.
    given_at = max(
        calendar.fit(end - datetime.timedelta(hours=2)), calendar.after(favourite.published_at, [2])[0]
    )
    Award.objects.active().filter(post=favourite, award_type=red_star).update(given_at=given_at)

    digest, _ = Digest.objects.update_or_create(
        course=course,
        week=week,
        defaults={
            "introduction": (
                "Welcome to last week's digest. Khrushchev's promises filled your posts: a flat "
                "of one's own, rockets, and wheat on the steppe. Read the red star below, then "
                "answer a classmate whose post is still waiting for a response."
            ),
            "status": Digest.Status.PUBLISHED,
            # The Wednesday after the week, or earlier if that has not come yet: never in the future.
            "published_at": min(end + datetime.timedelta(days=2, hours=10), calendar.after(end, [58])[0]),
            "published_by": users["nelson"],
        },
    )
    for position, post in enumerate((favourite, runner_up)):
        DigestFeature.objects.update_or_create(digest=digest, post=post, defaults={"position": position})


# This week holds four posts; early in a term, when the calendar squeezes the weeks together, it
# may not: these two are moved into it, so there is always something to vote for.
MOVED_INTO_THIS_WEEK = (SECRET_SPEECH_TITLE, SAMIZDAT_TITLE)


def _this_weeks_votes(context, course, week):
    """Two classmates have voted this week; the rest of the class (and a newcomer) may still vote."""
    posts = _week_posts(course, week)
    if len(posts) < 3:
        start = weeks.bounds(course, week)[0]
        elapsed = context.calendar.now - start
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
