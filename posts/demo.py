"""The demo's posts: the seed post with its two photographs and sources, and a term of classmates' posts.

Posts are laid on the course's weeks, the syllabus running forward in time:
the Civil War seven weeks ago, the Thaw this week. This week's and last
week's posts are placed around the prompts the coursework demo writes (the
seed post answers this week's on time; "Virgin Lands" answers last week's a
day late), all through the calendar's `fit`, so they stay in the term.
"""

import datetime
import functools
import secrets
from pathlib import Path

from django.core.files.base import ContentFile

from courses.demo import register
from posts.demo_texts import POSTS, VIRGIN_LANDS_TITLE, DemoImage

from . import services
from .demo_images import HEIGHT, WIDTH, archival_photograph
from .images import CleanImage, image_store
from .models import Post, PostImage

DATA = Path(__file__).parent / "demo_data"
SEED_TITLE = "Soviet Prisoners Released . . . Not All Necessarily Free"
SEED_SLUG = "soviet-prisoners-released-not-all-necessarily-free"

# The seed credits its two images by hand ("... retrieved from: ..."): the captions and credits
# are its own words; the alt text says what a reader would see.
SEED_IMAGES = {
    "fence": (
        DemoImage(
            scene="fence",
            alt=(
                "A line of wooden fence posts strung with barbed wire runs across open ground toward a "
                "camp watchtower, with a row of birches on the horizon."
            ),
            caption="Fence at the old Gulag",
            credit="Gulag Image retrieved from: Seventeen Moments in Soviet History",
        ),
        "Seventeen Moments in Soviet History",
        "https://soviethistory.msu.edu/",
    ),
    "khrushchev": (
        DemoImage(
            scene="portrait",
            alt=(
                "A studio portrait of Nikita Khrushchev: a heavy-set, bald man in a dark suit, white "
                "shirt and tie, lit from the left against a plain backdrop."
            ),
            caption="Nikita Khrushchev",
            credit="Khrushchev Image retrieved from: Wikimedia Commons",
        ),
        "Wikimedia Commons",
        "https://commons.wikimedia.org/",
    ),
}
# The classmates' pictures are our own drawings: their source is the demo, free for any use.
DEMO_IMAGE_SOURCE = ("Drawn for the coursesite demo", "", PostImage.Licence.PUBLIC_DOMAIN)

# When this week's and last week's prompts open and fall due, as coursework/demo.py sets them.
THIS_WEEKS_PROMPT_OPENS = (-5, 9)  # (days from today, hour)
LAST_WEEKS_PROMPT = ((-12, 9), (-7, 23, 59))
TWO_WEEKS_AGO_PROMPT = ((-20, 9), (-14, 23, 59))


@functools.lru_cache(maxsize=32)
def _photograph(scene: str) -> bytes:
    # The same scene always gives the same picture, so a process seeding many times draws it once.
    return archival_photograph(scene, seed="coursesite-demo")


def _image_markdown(author, image: DemoImage, source_title: str, source_url: str, licence: str) -> str:
    # The credit is in the figure's caption (the Markdown title), as the seed wrote it.
    details = {
        "alt": image.alt,
        "caption": image.caption,
        "source_title": source_title,
        "source_url": source_url,
        "licence": licence,
    }
    # Our own drawing, with no metadata: stored as drawn (clean_image would re-encode it larger).
    content = ContentFile(_photograph(image.scene), name=f"{secrets.token_urlsafe(16)}.jpg")
    cleaned = CleanImage(content=content, width=WIDTH, height=HEIGHT, format="JPEG")
    stored = image_store(uploader=author, cleaned=cleaned, details=details)
    return f'![{image.alt}]({stored.get_absolute_url()} "{image.caption} | {image.credit}")'


class Schedule:
    """When each post went live: on the course's weeks, in the course's zone, inside the term."""

    def __init__(self, calendar):
        self.calendar = calendar
        self.now = calendar.now
        local_now = self.now.astimezone(calendar.tz)
        self.today = local_now.date()
        self.monday = self._at(self.today - datetime.timedelta(days=self.today.weekday()), 0)
        self.rng = calendar.random("posts")

    def _at(self, day, hour, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.calendar.tz)

    def day(self, days, hour, minute=0):
        return self._at(self.today + datetime.timedelta(days=days), hour, minute)

    @staticmethod
    def between(start, end, fraction):
        return start + (end - start) * fraction

    def this_week(self, fraction):
        """Since this week's prompt opened (or the week began), before now."""
        start = max(self.monday, self.day(*THIS_WEEKS_PROMPT_OPENS))
        return self.between(start, self.now, fraction)

    def last_week_on_time(self, fraction):
        opens, due = LAST_WEEKS_PROMPT
        start = max(self.monday - datetime.timedelta(weeks=1), self.day(*opens))
        return self.between(start, self.day(*due), fraction)

    def last_week_late(self):
        return self.day(*LAST_WEEKS_PROMPT[1]) + datetime.timedelta(hours=26)

    def two_weeks_ago(self):
        opens, due = TWO_WEEKS_AGO_PROMPT
        start = max(self.monday - datetime.timedelta(weeks=2), self.day(*opens))
        return self.between(start, self.day(*due), 0.6)

    def weeks_ago(self, weeks):
        """A weekday evening or afternoon of an older week."""
        start = self.monday - datetime.timedelta(weeks=weeks)
        return start + datetime.timedelta(
            days=self.rng.randint(0, 4), hours=self.rng.randint(11, 22), minutes=self.rng.randint(0, 59)
        )

    def published_at(self, post, order_in_week):
        if post.weeks_ago == 0:
            when = self.this_week(0.15 + 0.2 * order_in_week)
        elif post.title == VIRGIN_LANDS_TITLE:
            when = self.last_week_late()
        elif post.weeks_ago == 1:
            when = self.last_week_on_time(0.3 + 0.35 * order_in_week)
        elif post.weeks_ago == 2:
            when = self.two_weeks_ago()
        else:
            when = self.weeks_ago(post.weeks_ago)
        return self.calendar.fit(when)

    def seed_published_at(self):
        # The newest post on the front page: written last for this week's prompt.
        return self.calendar.fit(self.this_week(0.85))


def _seed_post(context, schedule):
    course = context.course
    if Post.objects.filter(course=course, slug=SEED_SLUG).exists():
        return
    author = context.users["kpeters"]
    figures = {
        # The seed does not say under what licence it used its pictures.
        name: _image_markdown(author, image, source_title, source_url, PostImage.Licence.UNKNOWN)
        for name, (image, source_title, source_url) in SEED_IMAGES.items()
    }
    body = (DATA / "seed_post.md").read_text(encoding="utf-8").format(**figures)
    post = services.post_save(
        course=course, author=author, title=SEED_TITLE, body=body, category=None, publish=True
    )
    Post.objects.filter(pk=post.pk).update(published_at=schedule.seed_published_at())


def _classmates_posts(context, schedule):
    course = context.course
    order = {}
    for demo_post in POSTS:
        in_week = order.get(demo_post.weeks_ago, 0)
        order[demo_post.weeks_ago] = in_week + 1
        # Draw the date first, whether or not the post exists, so the others' dates do not shift.
        published_at = schedule.published_at(demo_post, in_week)
        if Post.objects.filter(course=course, title=demo_post.title).exists():
            continue
        author = context.users[demo_post.author]
        image = ""
        if demo_post.image is not None:
            image = _image_markdown(author, demo_post.image, *DEMO_IMAGE_SOURCE)
        category, _ = course.categories.get_or_create(
            slug=demo_post.category.lower(), defaults={"name": demo_post.category}
        )
        post = services.post_save(
            course=course,
            author=author,
            title=demo_post.title,
            body=demo_post.body.format(image=image).lstrip(),
            category=category,
            tags_text=demo_post.tags,
            publish=True,
        )
        Post.objects.filter(pk=post.pk).update(published_at=published_at)


@register
def seed(context):
    schedule = Schedule(context.calendar)
    _seed_post(context, schedule)
    _classmates_posts(context, schedule)
    course = context.course
    draft_title = "Notes for next week (draft)"
    if not Post.objects.filter(course=course, title=draft_title).exists():
        services.post_save(
            course=course,
            author=context.users["rkw15"],
            title=draft_title,
            body=(
                "Cuban Missile Crisis: compare *Pravda* and *Izvestia* for 23-28 October 1962.\n\n"
                '- When does the word "missiles" first appear?\n'
                "- Only I and the instructor can see this draft."
            ),
            category=None,
        )
    china = context.courses["china"]
    if not Post.objects.filter(course=china).exists():
        services.post_save(
            course=china,
            author=context.users["liwei"],
            title="Reading Lu Xun in Translation",
            body="A members-only post: outsiders get a 404.",
            category=None,
            publish=True,
        )
