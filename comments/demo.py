"""The demo's comments: the seed post's four responses, conversations on classmates' posts, one held comment.

Rows are written directly (approved, with dates after the post) rather than
through comment_create, so the seed sends no email and skips the first-comment
hold; the count is then recomputed by the same service the site uses.
"""

from courses.demo import register
from posts.demo import SEED_SLUG
from posts.demo_texts import (
    GULAG_MEMOIR_TITLE,
    HOUSING_TITLE,
    SECRET_SPEECH_TITLE,
    SPUTNIK_TITLE,
    THAW_TITLE,
    VIRGIN_LANDS_TITLE,
)
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

THREAD_POST_TITLE = VIRGIN_LANDS_TITLE
THREAD = [
    ("caitlin", "Did the billion poods come from the report itself or from *Pravda*? It looks very round."),
    (
        "cpurvis2",
        "From the report to the Central Committee. You're right, I said myself they were rounded up a lot!",
    ),
    (
        "nelson",
        "Good instinct, both of you. Compare them with the 1958 and 1963 harvests in Freeze, chapter 13: "
        "what happened to the billion?",
    ),
]
HELD_POST_TITLE = SPUTNIK_TITLE
# A newcomer's first comment waits for the instructor (the course holds first comments).
HELD = (
    "abrooks",
    "My first comment here: my grandmother says the newsreels made Sputnik feel like a national holiday. "
    "Was it the same in the villages?",
)

# Conversations on the classmates' posts: a comment, then replies that each answer the one before
# (shown in order under it). Some posts have none, as in any class.
CONVERSATIONS = {
    "Who Is He Pointing At? A Civil War Recruiting Poster": [
        (
            (
                "caitlin",
                "The missing enemy is a great observation. The Whites' posters of the same year are "
                "full of enemies, mostly caricatures. Maybe the Reds did not need one because the "
                "viewer was the target.",
            ),
            [
                (
                    "jslattery",
                    "Ooh, do you have one of the White posters? I only found Red ones in the reader.",
                ),
                (
                    "nelson",
                    "There are several in the Hoover Institution's poster collection. Bring one to section "
                    "on Thursday and we will put the two side by side.",
                ),
            ],
        ),
        (
            (
                "dmorozov",
                "Small thing about the cap: the *budenovka* was designed before the revolution, for a "
                "victory parade of the tsar's army that never happened. The Reds found the caps in a "
                "warehouse!",
            ),
            [("jslattery", "That is amazing. So even the new army's look was second-hand.")],
        ),
    ],
    "The Plan in Four Years: Arithmetic as Propaganda": [
        (("cpurvis2", '"An order to the future" is such a creepy phrase. Great pick.'), []),
        (
            (
                "kpeters",
                "I'm not sure the posters were aimed at party members only. Workers passed them every day "
                "at the factory gate; maybe the point was that you could not avoid them.",
            ),
            [
                (
                    "rkw15",
                    "Fair. The audience was everyone, but the *pressure* landed on whoever wrote the "
                    "reports.",
                ),
                (
                    "kpeters",
                    "That I agree with. The poster does not have to convince you, only remind you that "
                    "someone is counting.",
                ),
            ],
        ),
    ],
    "A Letter from the Kolkhoz, 1933": [
        (
            (
                "nelson",
                "A moving post, Dima, and your reading of the labour days is exactly right. One nudge: "
                "who wrote letters like this? How many farmers in that village could write in 1933?",
            ),
            [
                (
                    "dmorozov",
                    "Good question. The reader says a village teacher often wrote letters for others. "
                    "Then the formal tone might be the teacher's, not the farmer's.",
                ),
                (
                    "caitlin",
                    'Which makes "I do not complain" even more interesting: whose caution is it, the '
                    "farmer's or the teacher's?",
                ),
            ],
        ),
    ],
    "102 Tons in One Shift: Reading the Stakhanov Report": [
        (
            ("rkw15", "The team effort point is huge. Do we know who the two timberers were?"),
            [
                (
                    "cpurvis2",
                    "Siegelbaum names them, and nobody remembers them. I think that is my whole post in one "
                    "sentence.",
                )
            ],
        ),
    ],
    "Pravda, 1937: The Grammar of an Editorial About Enemies": [
        (
            (
                "jslattery",
                'The pronoun reading is brilliant. The same trick is in my poster from week one: "you" '
                "again, turned on the reader.",
            ),
            [],
        ),
        (
            (
                "kpeters",
                "To your last question: the engineer's diary in the reader does talk back, but only in "
                "the margins, in pencil, and he dated nothing.",
            ),
            [
                (
                    "caitlin",
                    "Thank you! Pencil in the margin seems to be the only safe place to disagree in this "
                    "whole course.",
                )
            ],
        ),
    ],
    GULAG_MEMOIR_TITLE: [
        (
            (
                "dmorozov",
                "The two fingers is the Old Believers' way of crossing, by the way, not just the way "
                '"before the revolution". It might tell us who that woman was.',
            ),
            [
                ("kpeters", "I did not know that! It changes the sentence completely. Thank you."),
                (
                    "nelson",
                    "A good example of why details in a memoir repay a second look. Worth a footnote.",
                ),
            ],
        ),
    ],
    HOUSING_TITLE: [
        (
            (
                "kpeters",
                "Six square metres! My dorm kitchen is bigger. Did the brochure say anything about "
                "who was supposed to cook?",
            ),
            [
                (
                    "caitlin",
                    "Not a word, which says it all. The plan assumes a woman at the stove without "
                    "needing to draw her.",
                ),
                (
                    "jslattery",
                    "And the folding table \"for the children's games\" assumes she's also minding them.",
                ),
            ],
        ),
        (
            (
                "rkw15",
                "I had not thought of the kitchen as the place where the 1960s talked. That makes the floor "
                "plan a map of where dissent happened.",
            ),
            [],
        ),
    ],
    SECRET_SPEECH_TITLE: [
        (
            (
                "caitlin",
                '"These comrades were given explanations" is chilling and funny at once. Do we know '
                "what happened to the comrade who asked about the portraits?",
            ),
            [
                (
                    "dmorozov",
                    "The report does not say, which probably means nothing happened. In 1937 it would "
                    "have been a different report.",
                )
            ],
        ),
    ],
}


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
    caitlin_post = Post.objects.published().filter(course=course, title=THAW_TITLE).first()
    if caitlin_post is None:
        return body
    return f"{body}\n[{caitlin_post.title}]({caitlin_post.get_absolute_url()})"


def _conversation(calendar, post, users, top, replies):
    """A comment and its replies, each reply a child of the comment, hours apart, all before now."""
    username, body = top
    times = calendar.after(post.published_at, [3 + 4 * n for n in range(len(replies) + 1)])
    parent = _comment(post=post, author=users[username], body=body, at=times[0])
    for (username, body), at in zip(replies, times[1:], strict=True):
        _comment(post=post, author=users[username], body=body, parent=parent, at=at)


@register
def seed(context):
    course = context.course
    users = context.users
    calendar = context.calendar
    seed_post = Post.objects.get(course=course, slug=SEED_SLUG)
    times = calendar.after(seed_post.published_at, [3 * n for n in range(1, len(SEED_COMMENTS) + 1)])
    for (username, body), at in zip(SEED_COMMENTS, times, strict=True):
        if username == "rkw15":
            body = _caitlins_link(course, body)
        _comment(post=seed_post, author=users[username], body=body, at=at)
    services.recount(post=seed_post)

    # One thread three deep: a question, the answer, the instructor's nudge to both.
    thread_post = Post.objects.get(course=course, title=THREAD_POST_TITLE)
    parent = None
    times = calendar.after(thread_post.published_at, [5 * n for n in range(1, len(THREAD) + 1)])
    for (username, body), at in zip(THREAD, times, strict=True):
        parent = _comment(post=thread_post, author=users[username], body=body, parent=parent, at=at)
    services.recount(post=thread_post)

    held_post = Post.objects.get(course=course, title=HELD_POST_TITLE)
    username, body = HELD
    _comment(
        post=held_post,
        author=users[username],
        body=body,
        status=Comment.Status.PENDING,
        at=calendar.after(held_post.published_at, [6])[0],
    )
    services.recount(post=held_post)

    for title, conversations in CONVERSATIONS.items():
        post = Post.objects.filter(course=course, title=title).first()
        if post is None:
            continue
        for top, replies in conversations:
            _conversation(calendar, post, users, top, replies)
        services.recount(post=post)
