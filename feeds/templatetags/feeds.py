"""The feed links of a course page: <link rel="alternate"> in its head, and a "Feed" item for its navigation.

The page says which feeds it has by what it is (the view it resolved to) and
what its context holds (the course, the post, the category...), so no page
template has to know about feeds and no query is made.

Only public courses get <link rel="alternate">: a members-only course's feeds
open only through a member's private link, which is a secret and does not
belong in a page's HTML (it is on the account page).
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from ..feeds import (
    CONTENT_TYPES,
    AuthorFeed,
    AwardFeed,
    CategoryFeed,
    CourseCommentsFeed,
    CoursePostsFeed,
    DigestsFeed,
    PostCommentsFeed,
    TagFeed,
)

register = template.Library()


def _view_name(context) -> str:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def _from_view(context, name):
    """A page object from the context, or from its class-based view (ListView keeps them there)."""
    found = context.get(name)
    return found if found is not None else getattr(context.get("view"), name, None)


def page_feeds(context) -> list[tuple[str, str, dict]]:
    """(title, kind, URL kwargs) of the feeds of the page: its own first, then the course's posts."""
    course = context.get("course")
    if course is None or not course.is_public:
        return []
    view_name = _view_name(context)
    own = []
    if view_name == "posts:category" and (category := _from_view(context, "category")) is not None:
        own.append((CategoryFeed.title_for(course, category), "category", {"slug": category.slug}))
    elif view_name == "posts:tag" and (tag := _from_view(context, "tag")) is not None:
        own.append((TagFeed.title_for(course, tag), "tag", {"slug": tag.slug}))
    elif view_name == "posts:author" and (membership := context.get("author_membership")) is not None:
        own.append(
            (AuthorFeed.title_for(course, membership), "author", {"author_slug": membership.author_slug})
        )
    elif view_name == "awards:hall-of-fame":
        chosen = context.get("chosen")
        if chosen is not None:
            own.append((AwardFeed.title_for(course, chosen), "award", {"slug": chosen.slug}))
        else:
            own.append((AwardFeed.title_for(course), "hall-of-fame", {}))
    elif view_name == "posts:detail" and (post := context.get("post")) is not None and post.is_live:
        date = post.date_for_url
        kwargs = {"year": date.year, "month": date.month, "day": date.day, "slug": post.slug}
        own.append((PostCommentsFeed.title_for(post), "post-comments", kwargs))
    elif view_name in ("coursework:digests", "coursework:digest"):
        own.append((DigestsFeed.title_for(course), "digests", {}))
    elif view_name == "posts:front":
        own.append((CourseCommentsFeed.title_for(course), "comments", {}))
    course_posts = (CoursePostsFeed.title_for(course), "posts", {})
    return [course_posts, *own] if view_name == "posts:front" else [*own, course_posts]


@register.simple_tag(takes_context=True)
def feed_links(context):
    """<link rel="alternate"> for each feed of the page, in Atom and in RSS."""
    course = context.get("course")
    rows = []
    for title, kind, kwargs in page_feeds(context):
        for format, label in (("atom", "Atom"), ("rss", "RSS")):
            url = reverse(f"feeds:{kind}", kwargs={"course_slug": course.slug, "format": format, **kwargs})
            rows.append((CONTENT_TYPES[format], f"{title} ({label})", url))
    return format_html_join("\n  ", '<link rel="alternate" type="{}" title="{}" href="{}">', rows)


@register.simple_tag(takes_context=True)
def feed_nav_item(context):
    """A "Feed" item for the course's navigation: the course's Atom feed, or for a member of a
    members-only course, their page of private links."""
    course = context.get("course")
    if course is None:
        return ""
    if course.is_public:
        url = reverse("feeds:posts", kwargs={"course_slug": course.slug, "format": "atom"})
        return format_html('<li><a href="{}" type="{}">{}</a></li>', url, CONTENT_TYPES["atom"], _("Feed"))
    if context.get("membership") is not None:
        url = reverse("feeds:account") + f"#course-{course.slug}"
        return format_html('<li><a href="{}">{}</a></li>', url, _("Feed"))
    return ""
