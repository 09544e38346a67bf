"""Template tags for the admin's own pages (the index's moderation summary)."""

from django import template

from coursework import reports

register = template.Library()


@register.simple_tag
def moderation_summary(user):
    """The courses the user teaches with what needs attention this week (two queries)."""
    if not user.is_authenticated:
        return []
    return reports.moderation_summary(user=user)
