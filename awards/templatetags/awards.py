"""How other apps' templates show awards: banner, symbols in lists, controls, an author's awards."""

from django import template

register = template.Library()


@register.simple_tag
def award_symbols(post):
    return ""


@register.simple_tag
def award_banner(post):
    return ""


@register.simple_tag(takes_context=True)
def award_controls(context, post):
    return ""


@register.simple_tag
def awards_received(membership):
    return ""
