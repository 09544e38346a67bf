"""The post page's article: the same for every reader, so kept as a fragment of the course's cache."""

from django import template
from django.template.loader import render_to_string

from core.cache import cached_fragment
from posts.models import Post

register = template.Library()


@register.simple_tag
def post_article(post):
    """Header (with the award banner), body and category line of the post.

    Rendered without the request, so nothing of one reader can get into it. With
    caching on, the post page loads a plain post and the full one (author,
    category, tags) is loaded only when the fragment has to be rendered again.
    """

    def render():
        full = post if hasattr(post, "author_display_name") else Post.objects.for_detail().get(pk=post.pk)
        return render_to_string("posts/includes/_article.html", {"post": full, "course": full.course})

    return cached_fragment(post.course.slug, f"article:{post.pk}", render)
