"""Feed addresses: the page's address plus feed/atom/ or feed/rss/; a private link has /feeds/<token>/
in place of /c/<course>/.

/c/soviet-history/feed/atom/                          the course's posts
/c/soviet-history/category/essays/feed/rss/           a category (tag/<slug>/, author/<author slug>/ alike)
/c/soviet-history/hall-of-fame/red-star/feed/atom/    an award type (hall-of-fame/feed/...: every award)
/c/soviet-history/2026/3/9/the-thaw/comments/feed/atom/   a post's comments
/c/soviet-history/comments/feed/atom/                 the course's comments
/c/soviet-history/digests/feed/atom/                  the weekly digests
/feeds/<token>/category/essays/feed/rss/              the same, through a member's private link
"""

from django.urls import path, register_converter

from core.page_cache import cache_anonymous_page

from . import views
from .models import TOKEN_PATTERN


class FeedFormatConverter:
    regex = "atom|rss"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class FeedTokenConverter:
    regex = TOKEN_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FeedFormatConverter, "feedformat")
register_converter(FeedTokenConverter, "feedtoken")

app_name = "feeds"

# (kind, the page's address after /c/<course>/): feeds.feeds.KINDS says which feed serves each.
PAGES = [
    ("posts", ""),
    ("category", "category/<slug:slug>/"),
    ("tag", "tag/<slug:slug>/"),
    ("author", "author/<str:author_slug>/"),
    ("hall-of-fame", "hall-of-fame/"),
    ("award", "hall-of-fame/<slug:slug>/"),
    ("post-comments", "<int:year>/<int:month>/<int:day>/<slug:slug>/comments/"),
    ("comments", "comments/"),
    ("digests", "digests/"),
]

# Public feeds may be kept in the anonymous page cache (under the course's version, so a new
# post shows at once); a members-only course's feed is a 404 to anyone anonymous, and 404s
# are never stored. The private links have no course in their address: never cached.
_course_feed = cache_anonymous_page(views.course_feed, query_params=())

urlpatterns = [
    path("account/feeds/", views.account_feeds, name="account"),
    path("account/feeds/<slug:course_slug>/new-link/", views.new_link, name="new-link"),
]
for kind, page in PAGES:
    urlpatterns += [
        path(
            f"c/<slug:course_slug>/{page}feed/<feedformat:format>/", _course_feed, {"kind": kind}, name=kind
        ),
        path(
            f"feeds/<feedtoken:token>/{page}feed/<feedformat:format>/",
            views.private_feed,
            {"kind": kind},
            name=f"private-{kind}",
        ),
    ]
