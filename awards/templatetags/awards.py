"""How other apps' templates show awards: banner, symbols in lists, controls, an author's awards.

`posts` knows nothing of awards, so the list views cannot prefetch them. Instead the
first `award_symbols` on a page fetches the standing awards of every post in the
page's list in one query and keeps them on the request; the other posts of the
list read that cache. A post that carries `standing_awards` (the hall of fame
prefetches it) needs no query at all.
"""

import copy

from django import template
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join

from core.cache import cached_fragment
from posts.models import Post

from ..forms import AwardForm
from ..models import Award
from ..permissions import can_award_post, can_revoke, givable_types, on_team
from ..symbols import symbol_svg

register = template.Library()


def _evaluated(candidates) -> list:
    """The posts of a list already fetched for the page, without running its query again."""
    if isinstance(candidates, QuerySet):
        return list(candidates._result_cache or [])
    if isinstance(candidates, list | tuple):
        return list(candidates)
    return []


def _listed_posts(context) -> list:
    posts = _evaluated(context.get("posts"))
    page = context.get("page_obj")
    if page is not None:
        posts += _evaluated(page.object_list)
    return [p for p in posts if isinstance(p, Post)]


def _cached_awards_of(post) -> list[Award]:
    return cached_fragment(
        post.course.slug,
        f"awards:{post.pk}",
        lambda: list(Award.objects.active().filter(post_id=post.pk).for_display()),
        nbytes=lambda awards: 512 + 512 * len(awards),
    )


def standing_awards(context, post) -> list[Award]:
    prefetched = getattr(post, "standing_awards", None)
    if prefetched is not None:
        return prefetched
    request = context.get("request")
    cache = getattr(request, "_awards_by_post", None)
    if cache is None:
        cache = {}
        if request is not None:
            request._awards_by_post = cache
    if post.pk not in cache:
        batch = {post.pk} | {p.pk for p in _listed_posts(context) if p.pk not in cache}
        if batch == {post.pk}:  # one post's page: its awards are kept in the course's cache
            # Kept on the post too: the article's banner is rendered without the request.
            post.standing_awards = cache[post.pk] = [copy.copy(award) for award in _cached_awards_of(post)]
            return cache[post.pk]
        for pk in batch:
            cache[pk] = []
        for award in Award.objects.active().filter(post_id__in=batch).for_display():
            cache[award.post_id].append(award)
    return cache[post.pk]


@register.simple_tag(takes_context=True)
def award_symbols(context, post):
    awards = standing_awards(context, post)
    if not awards:
        return ""
    symbols = format_html_join(
        "", "{}", ((symbol_svg(a.award_type, label=f"Awarded a {a.award_type.name}"),) for a in awards)
    )
    return format_html(' <span class="award-symbols">{}</span>', symbols)


@register.simple_tag
def award_symbol(award_type, decorative=True):
    """One award type's symbol beside its written name, on the awards' own pages."""
    return symbol_svg(award_type, decorative=decorative)


@register.inclusion_tag("awards/includes/_banner.html", takes_context=True)
def award_banner(context, post):
    return {"awards": standing_awards(context, post)}


@register.inclusion_tag("awards/includes/_controls.html", takes_context=True)
def award_controls(context, post):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    awards = standing_awards(context, post)
    for award in awards:
        award.post = post  # already loaded with its course: no query per award
    revocable = [award for award in awards if can_revoke(user, award)]
    form = None
    may_award = can_award_post(user, post)
    if may_award:
        given = {award.award_type_id for award in awards}
        givable = [t for t in givable_types(user, post.course) if t.pk not in given]
        if givable:
            form = AwardForm(course=post.course, givable=givable, auto_id="id_award_%s")
    return {
        "show": bool(may_award or revocable),
        "may_award": may_award,
        "form": form,
        "revocable": revocable,
        "post": post,
        "course": post.course,
        "on_team": on_team(user, post.course),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("awards/includes/_received.html")
def awards_received(membership):
    awards = (
        Award.objects.active()
        .filter(
            post__in=Post.objects.published().filter(course=membership.course, author=membership.user),
        )
        .select_related("award_type", "post", "post__course")
        .order_by("-given_at", "-pk")
    )
    return {"awards": awards, "membership": membership}


@register.simple_tag(takes_context=True)
def is_on_editorial_team(context, course):
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and on_team(user, course))
