"""The demo's revisions: the seed post's earlier draft and its published text, for the list and a diff.

The first version is the draft K. Peters saved the evening before publishing:
no closing paragraph on the exiles yet and a working title. Nothing here
changes the post's own text.
"""

import datetime

from courses.demo import register
from posts.demo import SEED_SLUG
from posts.models import Post

from .models import Revision

EARLIER_TITLE = "Soviet Prisoners Released"
# The sentences the published text added to the draft's last paragraph.
ADDED_LATER = (
    " Many were not even allowed to go home, but were forced into exile in distant areas they were "
    "unfamiliar with. These prisoners, in an unfamiliar world, were not even allowed the comfort of "
    "their own homes."
)


@register
def seed(context):
    post = Post.objects.filter(course=context.course, slug=SEED_SLUG).first()
    if post is None or Revision.objects.filter(post=post).exists():
        return
    published_at = post.published_at or post.created_at
    author = context.users["kpeters"]
    # The evening before, or sooner early in a term: the draft is never older than the term.
    draft_at = published_at - min(datetime.timedelta(hours=20), (published_at - context.calendar.starts) / 2)
    Revision.objects.create(
        post=post,
        version=1,
        kind=Revision.Kind.SAVED,
        title=EARLIER_TITLE,
        body=post.body.replace(ADDED_LATER, ""),
        saved_by=author,
        saved_at=draft_at,
        started_at=draft_at,
    )
    Revision.objects.create(
        post=post,
        version=2,
        kind=Revision.Kind.SAVED,
        title=post.title,
        body=post.body,
        saved_by=author,
        saved_at=published_at,
        started_at=published_at,
    )
