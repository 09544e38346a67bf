"""Posts' step of `manage.py tick`: posts scheduled for later whose time has come go live.

live() already shows such a post to readers at its time, with no write; this
step does the rest once per post (services.post_go_live): the course's cached
pages are made stale, and post_went_live is sent. The tick should run every
minute (README). A post is claimed before its work is done, so the step may run
late or twice, or in two places at once.
"""

import datetime

from core import tick_steps
from core.cache import bump_course_version

from . import services
from .models import Post

# A post found long after its time (made outside the site's buttons, by an import, or the tick was
# down for days) is marked without being announced: news of it would come late, and in bulk.
TOO_OLD_TO_ANNOUNCE = datetime.timedelta(days=2)


def run_due(now: datetime.datetime) -> list[str]:
    due = Post.objects.filter(status=Post.Status.PUBLISHED, published_at__lte=now, went_live_at__isnull=True)
    # Marked in one UPDATE, however many; their courses' pages made stale once each.
    stale = due.filter(published_at__lt=now - TOO_OLD_TO_ANNOUNCE)
    courses = set(stale.values_list("course__slug", flat=True))
    marked = stale.update(went_live_at=now)
    for slug in courses:
        bump_course_version(slug)
    lines = []
    for post in due.select_related("course").order_by("published_at", "pk"):
        if services.post_go_live(post=post, now=now):
            lines.append(f"Post “{post.title}” ({post.course.slug}) went live, as scheduled.")
    if marked:
        plural = "s" if marked != 1 else ""
        lines.append(f"{marked} post{plural} live for more than two days marked, not announced.")
    return lines


tick_steps.register(run_due)
