"""Reply coverage: the week's posts that no classmate has answered yet.

"Waiting for a response" counts approved comments by anyone but the post's
author; the front page shows these posts to students and the digest lists them.
"""

from django.db.models import Exists, F, OuterRef

from comments.models import Comment
from posts.models import Post, consented

from . import weeks


def waiting_for_response(course, week, limit: int | None = 10, *, members: bool = True):
    """Live posts published in the week with no approved comment from someone else, oldest first.

    One query when evaluated.
    """
    start, end = weeks.bounds(course, week)
    # A classmate: a member with an account (not a guest), other than the author.
    answered = (
        Comment.objects.approved()
        .filter(post=OuterRef("pk"), author__isnull=False)
        .exclude(author=F("post__author"))
    )
    posts = (
        Post.objects.published()
        .filter(course=course, published_at__gte=start, published_at__lt=end)
        .exclude(Exists(answered.order_by()))
        .for_listing()
        .prefetch_related(None)  # these lists show no tags: one query, whether any post waits or none
        .order_by("published_at", "pk")
    )
    if not members:
        posts = posts.filter(consented())  # readers who are not members: consenting authors only (issue 18)
    return posts[:limit] if limit else posts
