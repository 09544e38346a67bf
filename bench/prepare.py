"""The benchmark's in-process step, run once per scale against that scale's database.

It finds the pages to load-test, counts the SQL queries each one runs (page
cache off, so the count is the view's own), times a render of each in
process, takes the query plans of the listing pages, and opens logged-in
sessions for the load generator. It prints one JSON document.

Run by bench/run.py as `python -m bench.prepare` with the environment of the
server (DJANGO_SETTINGS_MODULE=bench.settings, DATABASE_URL, ...).
"""

import json
import secrets
import statistics
import string
import sys
import time
from importlib import import_module
from urllib.parse import urlencode

# What the search runs look for: a word of the seed post and of one generated comment in twelve,
# and a phrase of every generated post's text (bench/management/commands/generate_data.py).
SEARCH_WORD = "amnesty"
SEARCH_PHRASE = '"primary source"'


def main():
    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from comments.models import Comment
    from courses.models import Course, Membership
    from coursework.models import Digest
    from posts.models import Post
    from search.models import SearchEntry

    course = Course.objects.get(slug="bench-01")
    seed = Post.objects.get(course=course, slug="soviet-prisoners-released-not-all-necessarily-free")
    busiest = (
        Post.objects.published()
        .filter(course=course)
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    month = busiest["month"]
    archive = reverse(
        "posts:archive-month", kwargs={"course_slug": course.slug, "year": month.year, "month": month.month}
    )
    prolific = (
        Membership.objects.filter(course=course, role=Membership.Role.STUDENT)
        .annotate(n=Count("user__posts"))
        .order_by("-n")
        .select_related("user")
        .first()
    )
    # Comments go to another post, so the seed-shaped page stays at 100 comments.
    target = (
        Post.objects.published().filter(course=course).exclude(pk=seed.pk).order_by("-published_at").first()
    )
    pages = {
        "front": reverse("posts:front", kwargs={"course_slug": course.slug}),
        "post": seed.get_absolute_url(),
        "archive_page5": f"{archive}?page=5",
        "author": prolific.get_absolute_url(),  # by the membership's author slug, never the username
        "hall_of_fame": reverse("awards:hall-of-fame", kwargs={"course_slug": course.slug}),
        "digest": Digest.objects.filter(course=course, status=Digest.Status.PUBLISHED)
        .order_by("-week")
        .first()
        .get_absolute_url(),
    }
    search = reverse("search:results", kwargs={"course_slug": course.slug})
    pages["search"] = f"{search}?{urlencode({'q': SEARCH_WORD})}"
    pages["search_phrase"] = f"{search}?{urlencode({'q': SEARCH_PHRASE})}"

    # Members who already have an approved comment, so theirs are not held for moderation.
    commenters = list(
        get_user_model()
        .objects.filter(
            memberships__course=course,
            memberships__role=Membership.Role.STUDENT,
            comments__status=Comment.Status.APPROVED,
            comments__post__course=course,
        )
        .distinct()
        .order_by("username")[:16]
    )
    reader = commenters[0]

    client = Client(HTTP_HOST="127.0.0.1")
    member_client = Client(HTTP_HOST="127.0.0.1")
    member_client.force_login(reader)

    def measure(c, url, repeat):
        with CaptureQueriesContext(connection) as captured:
            response = c.get(url)
        queries = list(captured.captured_queries)  # a lazy slice of the log: copy it now
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            c.get(url)
            times.append((time.perf_counter() - started) * 1000)
        return len(queries), (statistics.median(times), min(times)), queries, len(response.content)

    # Median and fastest of the renders: on a shared machine the fastest is the least disturbed.
    queries, render_ms, render_ms_min, plans = {}, {}, {}, {}
    sizes = {}
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    # No search rate limit here: these renders are one reader, many times over.
    unlimited = {**getattr(settings, "RATE_LIMITS", {}), "search": []}
    with override_settings(ANONYMOUS_PAGE_CACHE=False, RATE_LIMITS=unlimited):
        for name, url in pages.items():
            count, ms, captured, size = measure(client, url, 15)
            queries[name], sizes[name] = count, size
            render_ms[name], render_ms_min[name] = round(ms[0], 2), round(ms[1], 2)
            if name in ("front", "archive_page5", "author"):
                plans[name] = []
                for q in captured:
                    if "posts_post" not in q["sql"] or not q["sql"].startswith("SELECT"):
                        continue
                    with connection.cursor() as cursor:
                        cursor.execute(prefix + q["sql"])
                        rows = [" | ".join(str(col) for col in row) for row in cursor.fetchall()]
                    plans[name].append({"sql": q["sql"][:600], "plan": rows})
        count, ms, _, size = measure(member_client, pages["post"], 15)
        queries["post_logged_in"], sizes["post_logged_in"] = count, size
        render_ms["post_logged_in"], render_ms_min["post_logged_in"] = round(ms[0], 2), round(ms[1], 2)

    # Logged-in sessions for the load generator, made the way django.contrib.auth's login() stores them.
    sessions = []
    for user in commenters:
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    # An unmasked CSRF secret is a valid cookie and a valid form token (Django checks they match).
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))

    json.dump(
        {
            "pages": pages,
            "comment_post": reverse(
                "comments:create", kwargs={"course_slug": course.slug, "post_slug": target.slug}
            ),
            "comment_target_id": target.pk,
            "commenter_ids": [u.pk for u in commenters],
            "queries": queries,
            "render_ms": render_ms,
            "render_ms_min": render_ms_min,
            "page_bytes": sizes,
            "plans": plans,
            "sessions": sessions,
            "csrf": csrf,
            "vendor": connection.vendor,
            "counts": {
                "posts": Post.objects.count(),
                "comments": Comment.objects.count(),
                "author_posts": Post.objects.filter(course=course, author=prolific.user).count(),
                "search_entries": SearchEntry.objects.count(),
            },
        },
        sys.stdout,
    )


BENCH_COMMENT_PREFIX = "Benchmark comment "  # what bench/wrk/bench.lua posts


def count_comments(post_id, author_ids):
    """How many comments those members have on that post (to check none were lost)."""
    import django

    django.setup()
    from comments.models import Comment

    return Comment.objects.filter(post_id=post_id, author_id__in=author_ids).count()


def remove_bench_comments():
    """Delete what earlier comment-posting runs added, so the data stays the size generate_data made."""
    import django

    django.setup()
    from comments.models import Comment
    from comments.services import recount
    from posts.models import Post

    added = Comment.objects.filter(body__startswith=BENCH_COMMENT_PREFIX)
    posts = list(Post.objects.filter(pk__in=added.values("post_id")))
    removed = added.count()
    added.delete()
    for post in posts:
        recount(post=post)
    print(removed)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "cleanup":
        remove_bench_comments()
    elif len(sys.argv) > 1 and sys.argv[1] == "count":
        print(count_comments(int(sys.argv[2]), [int(x) for x in sys.argv[3].split(",")]))
    else:
        main()
