"""The post page's "Image credits": the same for every reader, so kept under the course's version."""

from django import template
from django.template.loader import render_to_string

from core.cache import cached_fragment
from posts.images import credits_of
from posts.models import PostImage

register = template.Library()


@register.simple_tag
def image_credits(post):
    """The credits of the post's images, built in one query when the course has changed, else none."""

    def render():
        return render_to_string("posts/includes/_image_credits.html", {"images": credits_of(post)})

    return cached_fragment(post.course.slug, f"image-credits:{post.pk}", render)


@register.simple_tag
def image_licence_choices():
    """The licences the "Add an image" panel offers, as the model knows them."""
    return PostImage.Licence.choices
