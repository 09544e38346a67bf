"""The demo's comments: the seed post's four responses, a reply thread, one held comment.

Rows are written directly (approved, with dates after the post) rather than
through comment_create, so the seed sends no email and skips the first-comment
hold; the count is then recomputed by the same service the site uses.
"""

import datetime

from courses.demo import register
from posts.demo import SEED_SLUG
from posts.models import Post

from . import services
from .models import Comment

SEED_COMMENTS = [
    (
        "cpurvis2",
        "Wow, it is surprising to hear about this entire ordeal– first releasing soviet prisoners, and "
        "then continuing to find out how they really were not all that free. Prisoners were not even "
        "really welcomed back home and were often forced to look elsewhere for work; this idea is "
        "heartbreaking, and puts into perspective the change of the times.",
    ),
    (
        "rkw15",
        "Great post on the release on prisoners after Stalin’s death. I like the detail you include "
        "about how released prisoners were not accepted back into society. Check out Caitlin’s post:",
    ),
    (
        "nelson",
        "Wonderful post. There’s something funny about the Sovetskaya Litva citation. Ask me in class "
        "and we can figure it out.",
    ),
    (
        "jslattery",
        "I think that it’s funny that in some ways the Soviet Union was quite liberal compared to the "
        "rest of the world (women’s rights), but overall most people lacked certain personal freedoms "
        "that we, as Americans, take for granted.",
    ),
]

THREAD_POST_TITLE = "Virgin Lands: Khrushchev's Great Gamble"
THREAD = [
    ("caitlin", "Did the harvest numbers you quote come from *Pravda*? They look very round."),
    ("cpurvis2", "Yes, from the 1956 report. You are right that they were probably rounded up."),
    ("nelson", "Good instinct, both of you. Compare them with the 1958 figures in Freeze, chapter 12."),
]
HELD_POST_TITLE = "Sputnik and the Space Race at Home"
HELD = ("dmorozov", "My first comment here: the newsreels made Sputnik feel like a national holiday.")


def _comment(*, post, author, body, parent=None, status=Comment.Status.APPROVED, at):
    comment = Comment.objects.filter(post=post, author=author, body=body).first()
    if comment is None:
        comment = Comment.objects.create(
            post=post,
            author=author,
            body=body,
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            status=status,
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=at)
    return comment


def _caitlins_link(course, body):
    caitlin_post = Post.objects.published().filter(course=course, author__username="caitlin").first()
    if caitlin_post is None:
        return body
    return f"{body}\n[{caitlin_post.title}]({caitlin_post.get_absolute_url()})"


@register
def seed(context):
    course = context.course
    users = context.users
    seed_post = Post.objects.get(course=course, slug=SEED_SLUG)
    start = seed_post.published_at
    for n, (username, body) in enumerate(SEED_COMMENTS, start=1):
        if username == "rkw15":
            body = _caitlins_link(course, body)
        _comment(
            post=seed_post, author=users[username], body=body, at=start + datetime.timedelta(hours=3 * n)
        )
    services.recount(post=seed_post)

    thread_post = Post.objects.get(course=course, title=THREAD_POST_TITLE)
    parent = None
    for n, (username, body) in enumerate(THREAD, start=1):
        parent = _comment(
            post=thread_post,
            author=users[username],
            body=body,
            parent=parent,
            at=thread_post.published_at + datetime.timedelta(hours=5 * n),
        )
    services.recount(post=thread_post)

    held_post = Post.objects.get(course=course, title=HELD_POST_TITLE)
    username, body = HELD
    _comment(
        post=held_post,
        author=users[username],
        body=body,
        status=Comment.Status.PENDING,
        at=held_post.published_at + datetime.timedelta(hours=6),
    )
    services.recount(post=held_post)
