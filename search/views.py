import hashlib
import re

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core import ratelimit
from core.cache import cached_fragment
from courses import permissions
from posts.models import Category

from . import engine
from .query import MAX_QUERY_CHARS, MAX_TERMS, parse

_PAGE_NUMBER = re.compile(r"[0-9]{1,6}")  # ASCII digits only: int() would take "١" or " 2 " too

# Deeper than this is page 1000 (then the last page, if fewer): the kept results have a bounded
# number of copies per query, and nobody reads 10,000 results.
MAX_PAGE = 1000


def _page_number(value: str | None) -> int:
    """The page asked for; anything that is not a plain number is page 1 (the engine caps it at the last)."""
    return min(int(value), MAX_PAGE) if value and _PAGE_NUMBER.fullmatch(value) else 1


def _reader(request) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{ratelimit.client_address(request)}"


def _results_html(request, course, query, number) -> str | None:
    """The results section, the same for every reader of the course alike (members, or the world); None
    when nothing matched.

    Kept under the course's version (core/cache.py), keyed by the terms as parsed,
    so "Amnesty" and "amnesty " share one copy. Searches that find nothing are not
    kept: a made-up query leaves nothing behind.
    """

    def render_section():
        page = engine.search(course, request.user, query, number)
        if not page.count:
            return None
        return render_to_string("search/includes/_results.html", {"page": page, "query": query})

    key = hashlib.sha256(repr((query.terms, number)).encode()).hexdigest()[:32]
    audience = engine.audience(course, request.user)  # members find more than the world (issue 18)
    return cached_fragment(course.slug, f"search:{audience}:{key}", render_section, keep_none=False)


def results(request, course_slug):
    """GET /c/<course>/search/?q=...&page=N: the course's posts and comments that match, best first.

    Not in the anonymous page cache, which takes only slug-like parameters: the
    results section is kept instead (_results_html), shared by every reader.
    """
    course = permissions.readable_course_or_404(request.user, course_slug)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    query = parse(request.GET.get("q", ""))
    context = {
        "course": course,
        "membership": permissions.membership_of(request.user, course),
        "is_instructor": permissions.is_instructor(request.user, course),
        "query": query,
        "max_query_chars": MAX_QUERY_CHARS,
    }
    status = 200
    if query.too_long:
        context["error"] = _(
            "Your search is longer than %(most)s characters. Try a few words that the post "
            "or comment you are looking for would contain."
        ) % {"most": MAX_QUERY_CHARS}
    elif query.searchable:
        try:
            ratelimit.check("search", _reader(request))
        except ratelimit.RateLimited as refusal:
            context["error"] = _(
                "You have searched many times in %(span)s. Wait a moment and search again."
            ) % {"span": refusal.limit.describe()}
            status = 429
        else:
            ratelimit.count("search", _reader(request))
            context["searched"] = True
            context["results_html"] = _results_html(
                request, course, query, _page_number(request.GET.get("page"))
            )
            if context["results_html"] is None:
                context["categories"] = Category.objects.filter(course=course).select_related("course")
            if query.dropped:
                context["note"] = _("Only the first %(most)s words and phrases were searched.") % {
                    "most": MAX_TERMS
                }
    return render(request, "search/results.html", context, status=status)
