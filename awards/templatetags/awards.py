"""How other apps' templates show awards: banner, symbols in lists, controls, an author's awards.

`posts` knows nothing of awards, so its list views cannot prefetch them. A list
template calls `{% prefetch_awards posts %}` once, before its loop: one query
gives every listed post its `standing_awards`, which `award_symbols` then reads.
A post without them (the post page's single post) reads its own awards from the
course's cache.
"""

import copy

from django import template
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.cache import cached_fragment
from posts.models import Post

from ..forms import AwardForm
from ..models import Award
from ..permissions import can_award_post, can_revoke, givable_types, on_team
from ..symbols import symbol_svg

register = template.Library()


@register.simple_tag
def prefetch_awards(posts) -> str:
    """Set `standing_awards` on every post of the list, in one query; shows nothing.

    Evaluating a queryset keeps its rows, so the template's loop over the same
    `posts` gets these very objects. Posts that have them already are skipped.
    """
    prefetch_related_objects(
        list(posts),
        Prefetch("awards", queryset=Award.objects.active().for_display(), to_attr="standing_awards"),
    )
    return ""


def _cached_awards_of(post) -> list[Award]:
    return cached_fragment(
        post.course.slug,
        f"awards:{post.pk}",
        lambda: list(Award.objects.active().filter(post_id=post.pk).for_display()),
        nbytes=lambda awards: 512 + 512 * len(awards),
    )


def standing_awards(post) -> list[Award]:
    """The post's standing awards: prefetched by the list, or one post's, from the course's cache."""
    if not hasattr(post, "standing_awards"):
        # Copies: award_controls sets `award.post`, and the cached ones are shared.
        # Kept on the post, so its banner and its controls read them once.
        post.standing_awards = [copy.copy(award) for award in _cached_awards_of(post)]
    return post.standing_awards


@register.simple_tag
def award_symbols(post):
    awards = standing_awards(post)
    if not awards:
        return ""
    symbols = format_html_join(
        "",
        "{}",
        (
            (symbol_svg(a.award_type, label=_("Awarded a %(award)s") % {"award": a.award_type.name}),)
            for a in awards
        ),
    )
    return format_html(' <span class="award-symbols">{}</span>', symbols)


@register.simple_tag
def award_symbol(award_type, decorative=True):
    """One award type's symbol beside its written name, on the awards' own pages."""
    return symbol_svg(award_type, decorative=decorative)


@register.inclusion_tag("awards/includes/_banner.html")
def award_banner(post):
    return {"awards": standing_awards(post)}


@register.inclusion_tag("awards/includes/_controls.html", takes_context=True)
def award_controls(context, post):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    awards = standing_awards(post)
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
