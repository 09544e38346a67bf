"""Build a course-sized site for benchmarks: courses, students, posts, threaded comments, awards.

Every row goes in with bulk inserts, so the large scale (50,000 posts and
500,000 comments) builds in a few minutes. Derived columns (body_html, excerpt,
word_count, comment_count) are filled the way the models' save() and the
comments services fill them, but each distinct Markdown body is rendered once,
not once per row.

The command lives with the benchmark, above every app, so it imports their
models and the Markdown pipeline plainly.
"""

import argparse
import contextlib
import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from awards.models import Award, AwardType, EditorialTerm
from comments.models import Comment
from courses.models import DEFAULT_CONSENT_TEXT, Course, Membership, PublishConsent
from coursework import weeks
from coursework.models import ChoiceClose, Digest, DigestFeature, Prompt, PromptResponse, Vote
from posts import markdown
from posts.models import Category, Post, Tag
from search import index as search_index
from search.models import SearchEntry

SCALES = {
    "small": {"courses": 1, "students": 30, "posts": 300, "comments": 3000},
    "large": {"courses": 20, "students": 2000, "posts": 50_000, "comments": 500_000},
}
SLUG_PREFIX = "bench-"
USER_PREFIX = "bench"
DEFAULT_PASSWORD = "bench-password"  # every generated user; the benchmark logs in with it
SEED_SLUG = "soviet-prisoners-released-not-all-necessarily-free"
SEED_TITLE = "Soviet Prisoners Released . . . Not All Necessarily Free"
SEED_COMMENTS, SEED_REPLIES = 100, 30
PROLIFIC_POSTS = 100  # one student per course writes this many (the author-page benchmark)
AWARD_SHARE = 0.05
BATCH = 2000
GENERATED_MODELS = (Post, Category, Tag, Comment, Award, Prompt, PromptResponse, Vote, Digest)
TERM_DAYS = 120

FIRST_NAMES = (
    "Ada",
    "Boris",
    "Caitlin",
    "Dmitri",
    "Elena",
    "Farid",
    "Galina",
    "Hannah",
    "Igor",
    "Jana",
    "Kamal",
    "Lena",
    "Mikhail",
    "Nadia",
    "Oleg",
    "Priya",
    "Quinn",
    "Raisa",
    "Sasha",
    "Tomas",
    "Uma",
    "Vera",
    "Wen",
    "Xenia",
    "Yuri",
    "Zoe",
)
TOPICS = (
    "the Thaw",
    "Virgin Lands",
    "Sputnik",
    "the Gulag amnesty",
    "communal apartments",
    "the Secret Speech",
    "Novy Mir",
    "the Youth Festival",
    "the Kitchen Debate",
    "de-Stalinization",
    "the Hungarian uprising",
    "collective farms",
)
ANGLES = ("Reading", "Rethinking", "Letters about", "Propaganda and", "Everyday life and", "Memory of")
CATEGORIES = ("Culture", "Economy", "Politics", "Science", "Society", "Sources")
TAGS = (
    "archives",
    "film",
    "labour",
    "letters",
    "literature",
    "memoir",
    "newspapers",
    "posters",
    "women",
    "youth",
)

POST_PARAGRAPH = (
    "This week's primary source shows how ordinary people lived through the change. The document "
    "is short, but its choice of words says a great deal about what the authorities hoped readers "
    "would believe, and what they feared they would not."
)
COMMENT_BODIES = (
    "Great post! I had not thought about the **letters** this way.",
    "I agree with your reading, but Freeze (p. 416) suggests the numbers were larger.",
    "Check out Caitlin's post on the same week: she reads the source the other way round.",
    "What do you make of the ending? It seemed *deliberately* vague to me.",
    "Thanks for the clear summary. The second image made it click for me.",
    "I wonder how people outside Moscow heard about this at the time.",
    "Interesting! Was this reported in *Pravda*, or only abroad?",
    "Your point about memory is a good one; my grandmother said almost the same.",
    "This reminds me of the reading for week 3.\n\n> the official line and private letters disagree",
    "Could you add the source's date? I would like to compare it with mine.",
    "Nice work. The footnotes make it easy to follow up.",
    "I think the amnesty was more about labour shortages than mercy.",
)


@dataclass
class Size:
    courses: int
    students: int
    posts: int
    comments: int


@dataclass
class Rendered:
    body: str
    body_html: str
    excerpt: str
    word_count: int


@dataclass
class PlannedComment:
    post_index: int
    status: str
    parent: int | None  # index into the plan
    depth: int
    author_index: int
    body_index: int
    created_at: datetime.datetime = field(default=None)


@contextlib.contextmanager
def dates_as_given(*models):
    """Let bulk_create keep the dates we set: auto_now/auto_now_add would stamp every row 'now'."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class Command(BaseCommand):
    help = (
        "Generate a benchmark site: --scale small (1 course, 30 students, 300 posts, 3,000 comments) "
        "or large (20 courses, 2,000 students, 50,000 posts, 500,000 comments). Skips if the data "
        "is already there; --reset deletes the generated courses and users first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--reset", action="store_true", help="Delete generated data first.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; write nothing.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every generated user.")
        parser.add_argument("--seed", type=int, default=8, help="Random seed (same seed, same site).")
        # Custom sizes for tests; each overrides the scale's number.
        for name in ("courses", "students", "posts", "comments"):
            parser.add_argument(f"--{name}", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, scale, reset, dry_run, password, seed, **options):
        size = Size(**{k: options[k] if options[k] is not None else v for k, v in SCALES[scale].items()})
        if size.courses < 1 or size.students < size.courses or size.posts < size.courses:
            raise CommandError("Need at least one course, and a student and a post per course.")
        existing = Course.objects.filter(slug__startswith=SLUG_PREFIX)
        if existing.exists() and not Prompt.objects.filter(course__in=existing).exists():
            self.stdout.write("Generated data from before the course's week (no prompts): building it again.")
            reset = True
        summary = (
            f"{size.courses} courses, {size.students} students, {size.posts} posts, {size.comments} comments"
        )
        if dry_run:
            action = "delete the generated data and build" if reset else "build"
            if existing.exists() and not reset:
                action = "do nothing (generated data exists; pass --reset to rebuild)"
            self.stdout.write(f"Dry run: would {action}: {summary}.")
            return
        if existing.exists():
            if not reset:
                if not SearchEntry.objects.filter(course__in=existing).exists():
                    # Generated before search existed: index it, and keep the rest as it is.
                    self.stdout.write(
                        "Generated data is already here, without its search index: indexing it."
                    )
                    self._index()
                    return
                students = Membership.objects.filter(course__in=existing, role=Membership.Role.STUDENT)
                if not students.filter(publish_consent_at__isnull=False).exists():
                    # Generated before consent to publish (issue 18): the students agree now, as a
                    # fresh build's do, so visitors read the same posts.
                    self._consent(students)
                    return
                self.stdout.write(
                    self.style.WARNING("Generated data is already here; nothing to do (--reset rebuilds it).")
                )
                return
            self._delete_generated()
        started = timezone.now()
        with transaction.atomic():
            Builder(size=size, password=password, rng=random.Random(seed), log=self.stdout.write).build()
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner now, rather than whenever autovacuum gets to it.
            models = [Course, Membership, get_user_model(), *GENERATED_MODELS]
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {tables}")
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Generated {summary} in {seconds:.1f} s."))
        self._index()

    def _consent(self, students):
        self.stdout.write("Generated data is already here, from before consent to publish: giving it.")
        with transaction.atomic():
            given_at = timezone.now()
            PublishConsent.objects.bulk_create(
                [
                    PublishConsent(membership_id=pk, text=DEFAULT_CONSENT_TEXT, given_at=given_at)
                    for pk in students.values_list("pk", flat=True)
                ],
                batch_size=BATCH,
            )
            students.update(publish_consent_at=given_at)

    def _index(self):
        """The search index, rebuilt in bulk: the bulk inserts above sent no signals."""
        started = timezone.now()
        done = search_index.rebuild(log=self.stdout.write)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {done.posts} posts and {done.comments} comments for search in {seconds:.1f} s."
            )
        )

    def _delete_generated(self):
        courses = Course.objects.filter(slug__startswith=SLUG_PREFIX)
        with transaction.atomic():
            # The whole search index at once (not entry by entry); rebuilt after the build.
            search_index.clear()
            posts = Post.objects.filter(course__in=courses)
            # Plain DELETEs: going through the ORM's collector would load every row to
            # send its signals, minutes for 500,000 comments. Nothing else points at them.
            Comment.objects.filter(post__in=posts).order_by("-depth")._raw_delete(Comment.objects.db)
            Award.objects.filter(post__in=posts)._raw_delete(Award.objects.db)
            for model in (PromptResponse, Vote, DigestFeature):
                model.objects.filter(post__in=posts)._raw_delete(model.objects.db)
            Post.tags.through.objects.filter(post__in=posts)._raw_delete(Post.objects.db)
            posts.delete()
            courses.delete()
            get_user_model().objects.filter(
                username__startswith=USER_PREFIX, memberships__isnull=True
            ).delete()
        self.stdout.write("Deleted the generated courses, users and their posts.")


class Builder:
    def __init__(self, *, size: Size, password: str, rng: random.Random, log):
        self.size, self.rng, self.log = size, rng, log
        self.password_hash = make_password(password)  # hashing is slow on purpose: once for all users
        self.now = timezone.now()
        self.term_start = self.now - datetime.timedelta(days=TERM_DAYS)

    # --- rendering: once per distinct body ---

    def rendered_post(self, body: str) -> Rendered:
        html = markdown.render_post_markdown(body)
        text = markdown.plain_text(html)
        return Rendered(body, html, markdown.excerpt_of(html), len(text.split()))

    def post_bodies(self) -> list[Rendered]:
        bodies = []
        for n in range(1, 9):
            paragraphs = [POST_PARAGRAPH] * n
            paragraphs.insert(
                1, f"As Freeze puts it, the change was uneven[^1]. Week {n} shows *how* uneven."
            )
            paragraphs.append("[^1]: Gregory Freeze, *Russia: A History*, chapter 12.")
            bodies.append(self.rendered_post("\n\n".join(paragraphs)))
        return bodies

    def seed_body(self) -> Rendered:
        path = Path(markdown.__file__).parent
        with open(f"{path}/demo_data/seed_post.md", encoding="utf-8") as f:
            text = f.read()
        image = '![{alt}](/media/bench/{name}.jpg "{caption} | {credit}")'
        return self.rendered_post(
            text.format(
                fence=image.format(
                    alt="A wooden fence and barbed wire at the site of an old Gulag camp",
                    name="fence",
                    caption="Fence at the old Gulag",
                    credit="Seventeen Moments in Soviet History",
                ),
                khrushchev=image.format(
                    alt="Portrait of Nikita Khrushchev",
                    name="khrushchev",
                    caption="Nikita Khrushchev",
                    credit="Wikimedia Commons",
                ),
            )
        )

    # --- the build ---

    def build(self):
        size = self.size
        post_bodies = self.post_bodies()
        seed_body = self.seed_body()
        comment_html = [markdown.render_comment_markdown(body) for body in COMMENT_BODIES]
        User = get_user_model()
        with dates_as_given(Course, Membership, Post, Comment):
            courses = Course.objects.bulk_create(
                [
                    Course(
                        slug=f"{SLUG_PREFIX}{c + 1:02d}",
                        title=f"Soviet History, section {c + 1}",
                        term="Fall 2026",
                        description="A generated course for benchmarks.",
                        join_code=f"BENCH{c + 1:03d}",
                        created_at=self.term_start,
                    )
                    for c in range(size.courses)
                ]
            )
            students_per_course = split_evenly(size.students, size.courses)
            users = []
            for c, count in enumerate(students_per_course):
                users.append(self._user(User, f"{USER_PREFIX}{c + 1:02d}teacher"))
                users.extend(self._user(User, f"{USER_PREFIX}{c + 1:02d}s{n:04d}") for n in range(count))
            users = User.objects.bulk_create(users, batch_size=BATCH)
            memberships, roster = [], []  # roster[c] = (instructor, [students])
            position = 0
            for c, count in enumerate(students_per_course):
                course = courses[c]
                instructor, students = users[position], users[position + 1 : position + 1 + count]
                position += 1 + count
                roster.append((instructor, students))
                memberships.append(
                    Membership(
                        course=course,
                        user=instructor,
                        role=Membership.Role.INSTRUCTOR,
                        display_name=f"Professor {FIRST_NAMES[c % len(FIRST_NAMES)]}",
                        joined_at=self.term_start,
                    )
                )
                for n, student in enumerate(students):
                    name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {chr(65 + n // len(FIRST_NAMES) % 26)}."
                    # The generated students agreed to publish (issue 18), so visitors read their posts.
                    memberships.append(
                        Membership(
                            course=course,
                            user=student,
                            display_name=name,
                            joined_at=self.term_start,
                            publish_consent_at=self.term_start,
                        )
                    )
            memberships = Membership.objects.bulk_create(memberships, batch_size=BATCH)
            PublishConsent.objects.bulk_create(
                [
                    PublishConsent(membership=m, text=DEFAULT_CONSENT_TEXT, given_at=m.publish_consent_at)
                    for m in memberships
                    if m.publish_consent_at is not None
                ],
                batch_size=BATCH,
            )
            self.log(f"  {len(courses)} courses, {len(users)} users")

            for c, (course, (instructor, students), posts_count, comments_count) in enumerate(
                zip(
                    courses,
                    roster,
                    split_evenly(size.posts, size.courses),
                    split_evenly(size.comments, size.courses),
                    strict=True,
                )
            ):
                self._course_content(
                    course=course,
                    instructor=instructor,
                    students=students,
                    posts_count=posts_count,
                    comments_count=comments_count,
                    post_bodies=post_bodies,
                    seed_body=seed_body if c == 0 else None,
                    comment_html=comment_html,
                )
                if (c + 1) % 5 == 0 or c + 1 == len(courses):
                    self.log(f"  {c + 1} of {len(courses)} courses filled")

    def _user(self, User, username):
        return User(username=username, email=f"{username}@example.edu", password=self.password_hash)

    def _course_content(
        self,
        *,
        course,
        instructor,
        students,
        posts_count,
        comments_count,
        post_bodies,
        seed_body,
        comment_html,
    ):
        rng = self.rng
        categories = Category.objects.bulk_create(
            [Category(course=course, name=name, slug=slugify(name)) for name in CATEGORIES]
        )
        tags = Tag.objects.bulk_create([Tag(course=course, name=name, slug=name) for name in TAGS])

        # Who writes what: one prolific student, the rest in turn.
        prolific = min(PROLIFIC_POSTS, posts_count // 3)
        authors = [students[0]] * prolific
        others = students[1:] or students
        authors += [others[i % len(others)] for i in range(posts_count - prolific)]
        rng.shuffle(authors)

        posts = []
        for i, author in enumerate(authors):
            # Spread over the term, oldest first; a few drafts.
            published = self.term_start + datetime.timedelta(
                seconds=(i + rng.random()) * (TERM_DAYS - 1) * 86400 / posts_count
            )
            is_draft = rng.random() < 0.03
            rendered = post_bodies[i % len(post_bodies)]
            title = f"{rng.choice(ANGLES)} {rng.choice(TOPICS)}"
            posts.append(
                Post(
                    course=course,
                    author=author,
                    title=title,
                    slug=f"{slugify(title)}-{i + 1}",
                    body=rendered.body,
                    body_html=rendered.body_html,
                    excerpt=rendered.excerpt,
                    word_count=rendered.word_count,
                    status=Post.Status.DRAFT if is_draft else Post.Status.PUBLISHED,
                    published_at=None if is_draft else published,
                    went_live_at=None if is_draft else published,  # gone live already: the tick skips it
                    category=categories[i % len(categories)],
                    created_at=published - datetime.timedelta(hours=2),
                    updated_at=published,
                )
            )
        seed_index = None
        if seed_body is not None:
            # The post shaped like the seed: the seed's text, two days old, 100 comments.
            seed_index = len(posts) - 1
            seed = posts[seed_index]
            seed.title, seed.slug, seed.status = SEED_TITLE, SEED_SLUG, Post.Status.PUBLISHED
            seed.body, seed.body_html = seed_body.body, seed_body.body_html
            seed.excerpt, seed.word_count = seed_body.excerpt, seed_body.word_count
            seed.author = students[-1]
            seed.published_at = self.now - datetime.timedelta(days=2, hours=3)
            seed.went_live_at = seed.published_at
            seed.created_at = seed.updated_at = seed.published_at

        published = [i for i, p in enumerate(posts) if p.status == Post.Status.PUBLISHED]
        plan = self._plan_comments(
            posts, published, seed_index, comments_count, len(students) + 1, course.max_comment_depth
        )
        for planned in plan:
            if planned.status == Comment.Status.APPROVED:
                posts[planned.post_index].comment_count += 1
        posts = Post.objects.bulk_create(posts, batch_size=BATCH)

        through = Post.tags.through
        through.objects.bulk_create(
            [
                through(post_id=post.pk, tag_id=tag.pk)
                for i, post in enumerate(posts)
                for tag in {tags[i % len(tags)], tags[(i * 7) % len(tags)]}
            ],
            batch_size=BATCH,
        )
        self._create_comments(plan, posts, [instructor, *students], comment_html)
        self._awards(course, instructor, students, posts, published, seed_index)
        self._week(course, instructor, students, [posts[i] for i in published])

    def _plan_comments(self, posts, published, seed_index, total, people, max_depth):
        """Decide every comment before writing, so posts go in with their comment_count."""
        rng, Status = self.rng, Comment.Status
        plan: list[PlannedComment] = []

        def add(post_index, parent=None):
            if parent is None:
                roll = rng.random()
                status = (
                    Status.APPROVED
                    if roll < 0.95
                    else Status.PENDING
                    if roll < 0.98
                    else Status.SPAM
                    if roll < 0.99
                    else Status.REMOVED
                )
                depth = 1
            else:
                status = Status.APPROVED if rng.random() < 0.97 else Status.PENDING
                depth = plan[parent].depth + 1
            post = posts[post_index]
            if parent is None:
                start, hours = post.published_at, 24 * 7
            else:
                start, hours = plan[parent].created_at, 24
            created = min(start + datetime.timedelta(seconds=rng.random() * hours * 3600), self.now)
            plan.append(
                PlannedComment(
                    post_index,
                    status,
                    parent,
                    depth,
                    rng.randrange(people),
                    rng.randrange(len(COMMENT_BODIES)),
                )
            )
            plan[-1].created_at = created
            return len(plan) - 1

        def add_replies(count, candidates):
            # Only approved comments can be replied to, and threads stop at the course's depth.
            for _ in range(count):
                parent = rng.choice(candidates)
                reply = add(plan[parent].post_index, parent=parent)
                if plan[reply].status == Status.APPROVED and plan[reply].depth < max_depth:
                    candidates.append(reply)

        if seed_index is not None and total >= SEED_COMMENTS:
            # The seed-shaped post: 70 comments and 30 replies, every one approved.
            top = [add(seed_index) for _ in range(SEED_COMMENTS - SEED_REPLIES)]
            add_replies(SEED_REPLIES, top)
            for p in plan:
                p.status = Status.APPROVED
            total -= SEED_COMMENTS
        candidates_pool = [i for i in published if i != seed_index] or published
        if not candidates_pool:
            return plan
        replies = total // 3
        # Some posts draw far more discussion than others.
        weights = [rng.paretovariate(1.5) for _ in candidates_pool]
        first = len(plan)
        for post_index in rng.choices(candidates_pool, weights=weights, k=total - replies):
            add(post_index)
        approved_top = [i for i in range(first, len(plan)) if plan[i].status == Status.APPROVED]
        if approved_top:
            add_replies(replies, approved_top)
        return plan

    def _create_comments(self, plan, posts, people, comment_html):
        """Plain multi-row INSERTs with ids chosen here: the bulk of the data, so no model instances.

        Ids are given in thread order (each level oldest first), so a reply's parent id
        is known before the reply is written.
        """
        ops = connection.ops
        order = sorted(range(len(plan)), key=lambda i: (plan[i].depth, plan[i].created_at))
        first_id = (Comment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        ids = [0] * len(plan)
        for offset, i in enumerate(order):
            ids[i] = first_id + offset
        given = [
            "id",
            "post_id",
            "author_id",
            "parent_id",
            "depth",
            "body",
            "body_html",
            "status",
            "created_at",
        ]
        # Any other column gets its model default, so a field added later with a default still works.
        others = [f for f in Comment._meta.concrete_fields if f.attname not in given]
        constants = [f.get_db_prep_save(f.get_default(), connection) for f in others]
        columns = [Comment._meta.get_field(name).column for name in given] + [f.column for f in others]
        # Names from the model, values as parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            ops.quote_name(Comment._meta.db_table),
            ", ".join(ops.quote_name(c) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )
        rows = []
        for i in order:
            p = plan[i]
            rows.append(
                (
                    ids[i],
                    posts[p.post_index].pk,
                    people[p.author_index].pk,
                    ids[p.parent] if p.parent is not None else None,
                    p.depth,
                    COMMENT_BODIES[p.body_index],
                    comment_html[p.body_index],
                    p.status,
                    ops.adapt_datetimefield_value(p.created_at),
                    *constants,
                )
            )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])
            # PostgreSQL's id sequence did not see these ids: move it past them.
            for statement in ops.sequence_reset_sql(no_style(), [Comment]):
                cursor.execute(statement)

    def _week(self, course, instructor, students, live_posts):
        """The term's rhythm: a prompt a week answered by that week's posts, votes, closes and digests."""
        rng = self.rng
        first, current = weeks.week_of(course, self.term_start), weeks.week_of(course, self.now)
        mondays = []
        while first <= current:
            mondays.append(first)
            first += weeks.ONE_WEEK
        prompts = []
        for n, monday in enumerate(mondays):
            start, end = weeks.bounds(course, monday)
            body = f"Write on {TOPICS[n % len(TOPICS)]} from this week's sources."
            prompts.append(
                Prompt(
                    course=course,
                    title=f"Week {n + 1}: {TOPICS[n % len(TOPICS)]}",
                    slug=f"week-{n + 1}",
                    body=body,
                    body_html=markdown.render_post_markdown(body),
                    opens_at=start,
                    due_at=end - datetime.timedelta(minutes=1),
                    comments_required=2,
                    comments_due_at=end + datetime.timedelta(days=2),
                    created_by=instructor,
                    opening_sent_at=start,
                )
            )
        prompts = Prompt.objects.bulk_create(prompts)
        by_week = {}
        for post in live_posts:
            by_week.setdefault(weeks.week_of(course, post.published_at), []).append(post)
        prompt_of = dict(zip(mondays, prompts, strict=True))
        PromptResponse.objects.bulk_create(
            [
                PromptResponse(post=p, prompt=prompt_of[w])
                for w, ps in by_week.items()
                if w in prompt_of
                for p in ps
            ],
            batch_size=BATCH,
        )
        choice, _ = AwardType.objects.get_or_create(
            course=course,
            slug="students-choice",
            defaults={"name": "Students' Choice", "given_by": AwardType.GivenBy.VOTE, "symbol": "heart"},
        )
        members = {m.user_id: m for m in Membership.objects.filter(course=course, user__in=students)}
        votes, closes, winners, digests = [], [], [], []
        for monday in mondays:
            week_posts = by_week.get(monday, [])
            if not week_posts:
                continue
            tally = {}
            for student in students:
                candidates = [
                    p for p in rng.sample(week_posts, min(3, len(week_posts))) if p.author_id != student.pk
                ]
                if candidates:
                    votes.append(
                        Vote(course=course, week=monday, voter=members[student.pk], post=candidates[0])
                    )
                    tally[candidates[0].pk] = tally.get(candidates[0].pk, 0) + 1
            if monday == current:
                continue  # this week's vote is still open
            end = weeks.bounds(course, monday)[1]
            closes.append(
                ChoiceClose(course=course, week=monday, closed_at=end, votes_cast=sum(tally.values()))
            )
            if tally:
                top = max(tally.values())
                winners += [
                    Award(post_id=pk, award_type=choice, given_by=instructor, given_at=end)
                    for pk, n in tally.items()
                    if n == top
                ]
            digests.append(
                Digest(
                    course=course,
                    week=monday,
                    introduction="The editors' pick of the week.",
                    introduction_html="<p>The editors' pick of the week.</p>",
                    status=Digest.Status.PUBLISHED,
                    published_at=end + datetime.timedelta(days=2),
                    published_by=instructor,
                )
            )
        Vote.objects.bulk_create(votes, batch_size=BATCH)
        ChoiceClose.objects.bulk_create(closes)
        Award.objects.bulk_create(winners, batch_size=BATCH, ignore_conflicts=True)
        digests = Digest.objects.bulk_create(digests)
        DigestFeature.objects.bulk_create(
            [
                DigestFeature(digest=d, post=p, position=n)
                for d in digests
                for n, p in enumerate(by_week.get(d.week, [])[:3])
            ]
        )

    def _awards(self, course, instructor, students, posts, published, seed_index):
        red_star = AwardType.objects.create(course=course, name="Red star", slug="red-star")
        chosen = set(self.rng.sample(published, max(1, int(len(published) * AWARD_SHARE))))
        if seed_index is not None:
            chosen.add(seed_index)
        Award.objects.bulk_create(
            [
                Award(
                    post=posts[i],
                    award_type=red_star,
                    given_by=instructor,
                    note="Clear argument, well sourced.",
                    given_at=min(posts[i].published_at + datetime.timedelta(days=2), self.now),
                )
                for i in sorted(chosen)
            ],
            batch_size=BATCH,
        )
        today = timezone.localdate()
        editors = Membership.objects.filter(course=course, user__in=students[1:3])
        EditorialTerm.objects.bulk_create(
            [
                EditorialTerm(
                    course=course,
                    member=m,
                    starts=today - datetime.timedelta(days=3),
                    ends=today + datetime.timedelta(days=3),
                )
                for m in editors
            ]
        )
