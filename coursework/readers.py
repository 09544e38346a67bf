"""Readers: each week every student is given two classmates' posts of the week before to answer.

Only for courses with Course.assign_readers. The posts are the students' live
posts published in the previous week (coursework.weeks, the course's zone). The draw
goes post by post, always serving the post with the fewest readers so far, then
the one with the fewest comments from others, to the student with the most
readings still to give; so every post gets a reader before any gets a second,
and the quiet posts come first. Ties are broken by an order seeded with the
course and the week: the same data gives the same readers, but not the same
students first every week.
"""

import datetime
import heapq
import random

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from comments.models import Comment
from core.cache import bump_course_version
from courses.models import Course, Membership
from posts.models import Post, live

from . import weeks
from .models import ReaderAssignment

READINGS_PER_STUDENT = 2


def source_posts(course, week: datetime.date):
    """The posts readers of `week` are drawn from: students' live posts of the week before, oldest first.

    Students' only: an instructor's post is not a classmate's.
    """
    start, end = weeks.bounds(course, week - weeks.ONE_WEEK)
    students = Membership.objects.students().filter(course=course).values("user")
    others = Q(comments__status=Comment.Status.APPROVED, comments__author__isnull=False) & ~Q(
        comments__author=F("author")
    )
    return (
        Post.objects.published()
        .filter(course=course, published_at__gte=start, published_at__lt=end, author__in=students)
        .annotate(comments_from_others=Count("comments", filter=others))
        .order_by("published_at", "pk")
    )


def _draw(*, seed: str, students, posts, existing) -> list[tuple[int, int]]:
    """(membership id, post id) pairs to add, given what is assigned already.

    `students`: (membership id, user id) pairs; `posts`: (post id, author id,
    comments from others); `existing`: (membership id, post id) pairs.
    """
    rng = random.Random(seed)
    member_ids, post_ids = [m for m, _ in students], [p for p, _, _ in posts]
    student_rank = {m: i for i, m in enumerate(rng.sample(member_ids, len(member_ids)))}
    post_rank = {p: i for i, p in enumerate(rng.sample(post_ids, len(post_ids)))}
    author_of = {post_id: author_id for post_id, author_id, _ in posts}
    user_of = dict(students)

    reading = {member_id: set() for member_id in user_of}
    readers = dict.fromkeys(author_of, 0)
    for member_id, post_id in existing:
        if member_id in reading:
            reading[member_id].add(post_id)
        if post_id in readers:
            readers[post_id] += 1
    to_give = {}
    for member_id, user_id in students:
        others = sum(1 for author_id in author_of.values() if author_id != user_id)
        to_give[member_id] = max(0, min(READINGS_PER_STUDENT, others) - len(reading[member_id]))

    # The post served next: fewest readers, then fewest comments from others, then the seeded order.
    heap = [(readers[post_id], comments, post_rank[post_id], post_id) for post_id, _, comments in posts]
    heapq.heapify(heap)
    comments_of = {post_id: comments for post_id, _, comments in posts}
    added = []
    while heap and any(to_give.values()):
        count, _, rank, post_id = heapq.heappop(heap)
        # The student with the most readings still to give; eligibility only shrinks, so a post
        # nobody can take now is never taken later, and is dropped.
        candidates = [
            member_id
            for member_id, left in to_give.items()
            if left and user_of[member_id] != author_of[post_id] and post_id not in reading[member_id]
        ]
        if not candidates:
            continue
        member_id = min(candidates, key=lambda m: (-to_give[m], student_rank[m]))
        to_give[member_id] -= 1
        reading[member_id].add(post_id)
        added.append((member_id, post_id))
        heapq.heappush(heap, (count + 1, comments_of[post_id], rank, post_id))
    return added


def assign_readers(*, course: Course, week: datetime.date) -> int:
    """Give every student of the course their readings for `week`; returns how many were added.

    Idempotent: a student who has their readings is left alone, so running it
    twice adds nothing. Works whether or not the course has assign_readers on
    (run_due checks that): an instructor may run it by hand.
    """
    week = weeks.monday_of(week)
    with transaction.atomic():
        students = list(
            Membership.objects.students().filter(course=course).order_by("pk").values_list("pk", "user_id")
        )
        posts = list(source_posts(course, week).values_list("pk", "author_id", "comments_from_others"))
        existing = list(
            ReaderAssignment.objects.filter(course=course, week=week).values_list("reader_id", "post_id")
        )
        seed = f"{course.pk}:{week.isoformat()}"
        pairs = _draw(seed=seed, students=students, posts=posts, existing=existing)
        # Two ticks at once draw the same pairs (the draw is seeded by the data), so the unique
        # constraint with ignore_conflicts is enough to keep the second from adding any.
        ReaderAssignment.objects.bulk_create(
            [ReaderAssignment(course=course, week=week, reader_id=m, post_id=p) for m, p in pairs],
            ignore_conflicts=True,
        )
    if pairs:
        bump_course_version(course.slug)  # bulk_create sends no post_save
    return len(pairs)


def run_due(now: datetime.datetime) -> list[str]:
    """For `manage.py tick`: this week's readers, for each course that assigns them and has none yet."""
    lines = []
    # An archived course is read only: its term is over, nobody is given readings.
    for course in Course.objects.filter(assign_readers=True, archived_at__isnull=True).order_by("pk"):
        week = weeks.week_of(course, now)
        if ReaderAssignment.objects.filter(course=course, week=week).exists():
            continue
        added = assign_readers(course=course, week=week)
        if added:
            lines.append(f"readers: {course.slug}, week of {week.isoformat()}: {added} readings given")
    return lines


def readings(membership, week: datetime.date):
    """The member's readings of the week, each with `done` (they have an approved comment on it).

    One query. Posts no longer live are left out; `author_display_name` is the
    post author's name in the course.
    """
    answered = Comment.objects.approved().filter(post=OuterRef("post"), author=membership.user_id)
    author_name = (
        Membership.objects.filter(course=OuterRef("post__course"), user=OuterRef("post__author"))
        .order_by()
        .values("display_name")[:1]
    )
    return (
        ReaderAssignment.objects.filter(course_id=membership.course_id, week=week, reader=membership)
        .filter(live("post__"))
        .select_related("post__course", "post__author")
        .annotate(done=Exists(answered.order_by()), author_display_name=Subquery(author_name))
        .order_by("post__published_at", "post__pk")
    )
