from django import template

from .. import services

register = template.Library()


@register.inclusion_tag("account/includes/_my_courses.html")
def my_courses(user):
    """The reader's courses, role and what is new since their last visit (top of the course list)."""
    if not user.is_authenticated:
        return {"rows": []}
    return {"rows": list(services.my_courses(user=user))}
