"""How search engines find the public site: sitemap.xml and robots.txt.

Only what an anonymous visitor may read is listed: public courses' front
pages, their categories with a live post, and their live posts (the same
rule as the pages, Post.objects.visible_to(AnonymousUser())). Members-only
courses and drafts never appear, and robots.txt names no course at all.

Addresses are built from settings.SITE_URL, as the canonical links of the
post pages are (posts/templatetags/post_meta.py), so a crawler is given one
address per page whichever host it asked.

/sitemap.xml is an index: each section (/sitemap-<section>.xml) is split into
pages of Sitemap.limit addresses (50,000, the protocol's limit) with ?p=N, and
the index lists every page. Each page is two queries (a count and the page),
however many posts there are.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Exists, Max, OuterRef
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from courses.models import Course

from .models import Category, Post


class _SiteSitemap(Sitemap):
    """Addresses on SITE_URL's scheme and host rather than the requesting host's."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def _public_courses():
    return Course.objects.visible_to(AnonymousUser())


def _public_posts():
    return Post.objects.visible_to(AnonymousUser())


class CourseSitemap(_SiteSitemap):
    changefreq = "daily"

    def items(self):
        return _public_courses().only("slug").order_by("pk")


class CategorySitemap(_SiteSitemap):
    changefreq = "weekly"

    def items(self):
        # A category with nothing live in it is an empty page: not worth a crawler's visit.
        has_live_post = Exists(_public_posts().filter(category=OuterRef("pk")))
        return (
            Category.objects.filter(course__in=_public_courses())
            .filter(has_live_post)
            .select_related("course")
            .only("slug", "course__slug")
            .order_by("pk")
        )


class PostSitemap(_SiteSitemap):
    def items(self):
        return (
            _public_posts()
            .select_related("course")
            .only("slug", "published_at", "created_at", "updated_at", "course__slug")
            .order_by("pk")  # new posts join the last page; the earlier pages keep their addresses
        )

    def lastmod(self, post):
        return post.updated_at

    def get_latest_lastmod(self):
        # Django's default would load every post to take the newest date: one aggregate instead.
        return _public_posts().aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {"courses": CourseSitemap, "categories": CategorySitemap, "posts": PostSitemap}


def _on_site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@require_safe
def sitemap_index(request):
    """Every page of every section, on SITE_URL (Django's index would name the requesting host)."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = _on_site(reverse("sitemap-section", kwargs={"section": section}))
        latest = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, latest))
        entries += [
            SitemapIndexItem(f"{location}?p={n}", latest) for n in range(2, sitemap.paginator.num_pages + 1)
        ]
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    response["X-Robots-Tag"] = "noindex"  # the index is for crawlers to follow, not a page to show
    return response


@require_safe
def sitemap_section(request, section):
    # An unknown section or page (?p=0, ?p=x, past the last page) is Django's 404.
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@require_safe
def robots_txt(request):
    sitemap_url = _on_site(reverse("sitemap"))
    context = {"sitemap_url": sitemap_url}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
