"""The demo's awards: the Red star, the editorial team, and the red star on the seed post."""

import datetime

from django.utils import timezone

from courses.demo import register
from courses.models import Membership
from posts.demo import SEED_SLUG
from posts.demo_texts import THAW_TITLE
from posts.models import Post

from . import services
from .models import Award, AwardType, EditorialTerm, Symbol

# The seed's own sentence, word for word (its "red star" is lower-case, the type's name is not).
SEED_BANNER = "This post was awarded a “red star” from the editorial team."
SECOND_STAR_TITLE = THAW_TITLE


def _term(course, username, starts, ends):
    member = Membership.objects.get(course=course, user__username=username)
    EditorialTerm.objects.update_or_create(
        course=course, member=member, defaults={"starts": starts, "ends": ends}
    )


def _star(*, calendar, red_star, post, by, note, hours_after):
    """A star the team gave some hours after the post went live (sooner if that is not past yet)."""
    if not Award.objects.active().filter(post=post, award_type=red_star).exists():
        award = services.award_grant(
            post=post, award_type=red_star, by=by, note=note, note_public=True, notify=False
        )
        Award.objects.filter(pk=award.pk).update(given_at=calendar.after(post.published_at, [hours_after])[0])


@register
def seed(context):
    course = context.course
    users = context.users
    red_star, _ = AwardType.objects.update_or_create(
        course=course,
        slug="red-star",
        defaults={
            "name": "Red star",
            "symbol": Symbol.STAR,
            "colour": "#b71c1c",
            "description": "The editorial team's pick of the week's posts.",
            "banner_wording": SEED_BANNER,
            "given_by": AwardType.GivenBy.TEAM,
        },
    )
    # The team rotates by the week: two students on it now (this week and next), one whose turn is over.
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for username in ("caitlin", "dmorozov"):
        _term(course, username, monday, monday + datetime.timedelta(days=13))
    _term(course, "jslattery", monday - datetime.timedelta(days=14), monday - datetime.timedelta(days=1))

    seed_post = Post.objects.select_related("course").get(course=course, slug=SEED_SLUG)
    _star(
        calendar=context.calendar,
        red_star=red_star,
        post=seed_post,
        by=users["nelson"],
        note="A careful reading of the amnesty decree beside Freeze: who was freed, and who was not.",
        hours_after=20,
    )
    thaw = Post.objects.select_related("course").filter(course=course, title=SECOND_STAR_TITLE).first()
    if thaw is not None:
        _star(
            calendar=context.calendar,
            red_star=red_star,
            post=thaw,
            by=users["dmorozov"],
            note=(
                "“So it can be said”: readers' letters to Novy Mir show what the Thaw meant "
                "to those who lived it."
            ),
            hours_after=30,
        )
