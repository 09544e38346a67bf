"""How the public site is found: sitemap.xml, robots.txt, and the tags in a page's <head>.

Members-only courses and drafts never appear in any of it; every address is
absolute on settings.SITE_URL.
"""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from posts import sitemaps
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    DraftFactory,
    MembershipFactory,
    PostFactory,
)

SITE = "https://blogs.example.edu"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def get_xml(path, **params):
    response = Client().get(path, params)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(root):
    return [loc.text for loc in root.findall(".//sm:loc", NS)]


def section_urls(section, **params):
    return locations(get_xml(reverse("sitemap-section", kwargs={"section": section}), **params))


def all_listed_urls():
    """Every address the sitemap gives, following the index to each section and page."""
    urls = []
    for index_loc in locations(get_xml(reverse("sitemap"))):
        path_and_query = re.sub(r"^https?://[^/]+", "", index_loc)
        path, _, query = path_and_query.partition("?")
        params = dict([query.split("=")]) if query else {}
        urls += locations(get_xml(path, **params))
    return urls


# --- sitemap.xml ---


@pytest.fixture
def sites(db):
    public = CourseFactory(slug="public-course")
    hidden = CourseFactory(slug="members-course", visibility="members")
    category = CategoryFactory(course=public, name="Essays", slug="essays")
    CategoryFactory(course=public, name="Empty", slug="empty")
    posts = {
        "live": PostFactory(course=public, slug="live-post", category=category),
        "draft": DraftFactory(course=public, slug="draft-post"),
        "scheduled": PostFactory(
            course=public, slug="scheduled-post", published_at=timezone.now() + datetime.timedelta(days=1)
        ),
        "hidden": PostFactory(course=hidden, slug="members-post"),
    }
    return public, hidden, posts


def test_the_sitemap_lists_public_courses_categories_and_live_posts_only(sites):
    public, hidden, posts = sites
    urls = all_listed_urls()
    assert f"{SITE}{public.get_absolute_url()}" in urls
    assert f"{SITE}{posts['live'].get_absolute_url()}" in urls
    assert f"{SITE}/c/public-course/category/essays/" in urls
    assert f"{SITE}/c/public-course/category/empty/" not in urls  # nothing live in it
    listed = " ".join(urls)
    for absent in ("draft-post", "scheduled-post", "members-post", "members-course"):
        assert absent not in listed
    assert len(urls) == 3


def test_a_post_is_listed_with_its_last_change(sites):
    _public, _hidden, posts = sites
    root = get_xml(reverse("sitemap-section", kwargs={"section": "posts"}))
    [url] = root.findall("sm:url", NS)
    assert url.find("sm:loc", NS).text == f"{SITE}{posts['live'].get_absolute_url()}"
    assert url.find("sm:lastmod", NS).text == timezone.localtime(posts["live"].updated_at).date().isoformat()


def test_a_course_turned_members_only_leaves_the_sitemap(sites):
    public, _hidden, _posts = sites
    public.visibility = "members"
    public.save()
    assert all_listed_urls() == []


def test_the_sitemap_runs_the_same_queries_for_1_and_50_posts(course):
    author = MembershipFactory(course=course).user

    def measure():
        counts = []
        for path in (reverse("sitemap"), reverse("sitemap-section", kwargs={"section": "posts"})):
            with CaptureQueriesContext(connection) as captured:
                assert Client().get(path).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    PostFactory(course=course, author=author)
    few = measure()
    for _ in range(49):
        PostFactory(course=course, author=author)
    assert measure() == few
    assert len(section_urls("posts")) == 50


def test_a_long_sitemap_is_split_into_pages_the_index_lists(monkeypatch, course):
    monkeypatch.setattr(sitemaps.PostSitemap, "limit", 10)  # the protocol's 50,000, made small
    author = MembershipFactory(course=course).user
    made = {PostFactory(course=course, author=author).get_absolute_url() for _ in range(25)}
    index = locations(get_xml(reverse("sitemap")))
    posts_section = f"{SITE}{reverse('sitemap-section', kwargs={'section': 'posts'})}"
    assert [loc for loc in index if "posts" in loc] == [
        posts_section,
        f"{posts_section}?p=2",
        f"{posts_section}?p=3",
    ]
    pages = [section_urls("posts"), section_urls("posts", p="2"), section_urls("posts", p="3")]
    assert [len(page) for page in pages] == [10, 10, 5]
    assert {url.removeprefix(SITE) for page in pages for url in page} == made


@pytest.mark.parametrize("page", ["0", "-1", "4", "x", "1.5", "99999999999999999999999"])
def test_a_page_past_the_end_or_not_a_number_is_404(monkeypatch, course, page):
    monkeypatch.setattr(sitemaps.PostSitemap, "limit", 10)
    for _ in range(25):
        PostFactory(course=course)
    response = Client().get(reverse("sitemap-section", kwargs={"section": "posts"}), {"p": page})
    assert response.status_code == 404


def test_an_unknown_section_is_404(db):
    assert Client().get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("name", ["sitemap", "robots"])
def test_crawler_files_refuse_posts(db, name):
    assert Client().post(reverse(name)).status_code == 405


# --- robots.txt ---


def _rules(text):
    rules = []
    for line in text.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() in ("allow", "disallow") and value.strip():
            rules.append((field.strip().lower(), value.strip()))
    return rules


def _allowed(rules, path):
    """RFC 9309: the longest matching rule wins, Allow on a tie; "*" matches any run of characters."""
    best = ("allow", "")
    for kind, pattern in rules:
        regex = re.escape(pattern).replace(r"\*", ".*")
        if pattern.endswith("$"):
            regex = regex[:-2] + "$"
        if re.match(regex, path) and (
            len(pattern) > len(best[1]) or (len(pattern) == len(best[1]) and kind == "allow")
        ):
            best = (kind, pattern)
    return best[0] == "allow"


def test_robots_lets_crawlers_read_the_public_site_and_keeps_them_out_of_the_rest(post):
    response = Client().get(reverse("robots"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text.splitlines()
    rules = _rules(text)
    course = post.course.slug
    comment = CommentFactory(post=post)
    readable = [
        "/",
        post.course.get_absolute_url(),
        post.get_absolute_url(),
        post.category.get_absolute_url(),
        reverse("awards:hall-of-fame", kwargs={"course_slug": course}),
        reverse("sitemap"),
    ]
    private = [
        "/admin/",
        "/admin/posts/post/",
        reverse("login"),
        reverse("password_reset"),
        reverse("courses:sign-up"),
        reverse("courses:join"),
        reverse("posts:drafts", kwargs={"course_slug": course}),
        reverse("posts:edit", kwargs={"course_slug": course, "slug": post.slug}),
        reverse("posts:unpublish", kwargs={"course_slug": course, "slug": post.slug}),
        reverse("posts:preview"),
        reverse("comments:create", kwargs={"course_slug": course, "post_slug": post.slug}),
        reverse("comments:edit", kwargs={"course_slug": course, "pk": comment.pk}),
        reverse("comments:notification-settings"),
        reverse("awards:to-read", kwargs={"course_slug": course}),
        reverse("awards:give", kwargs={"course_slug": course, "slug": post.slug}),
        reverse("courses:rotate-join-code", kwargs={"course_slug": course}),
        f"{post.get_absolute_url()}?replyto={comment.pk}",
    ]
    assert [path for path in readable if not _allowed(rules, path)] == []
    assert [path for path in private if _allowed(rules, path)] == []
    # The editor has no line of its own: a crawler is sent to the log-in page, which it may not fetch.
    editor = Client().get(reverse("posts:write", kwargs={"course_slug": course}))
    assert editor.status_code == 302 and not _allowed(rules, editor["Location"].split("?")[0])


def test_robots_names_no_members_only_course(members_only_course):
    text = Client().get(reverse("robots")).content.decode()
    assert members_only_course.slug not in text
    assert members_only_course.title not in text


# --- the <head> of a post page ---


def head_of(url, user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def meta(head, key, value):
    tag = head.find("meta", attrs={key: value})
    return tag["content"] if tag else None


def test_a_public_post_has_a_description_canonical_link_and_open_graph_tags(course):
    post = PostFactory(
        course=course,
        title="The Thaw in Print",
        body="Novy Mir printed *Ivan Denisovich* in 1962.\n\n![A cover](/media/posts/2026/01/cover.jpg)",
    )
    head = head_of(post.get_absolute_url())
    url = f"{SITE}{post.get_absolute_url()}"
    assert meta(head, "name", "description") == "Novy Mir printed Ivan Denisovich in 1962."
    assert head.find("link", rel="canonical")["href"] == url
    assert meta(head, "property", "og:type") == "article"
    assert meta(head, "property", "og:title") == "The Thaw in Print"
    assert meta(head, "property", "og:description") == "Novy Mir printed Ivan Denisovich in 1962."
    assert meta(head, "property", "og:url") == url
    assert meta(head, "property", "og:site_name") == course.title
    assert meta(head, "property", "og:image") == f"{SITE}/media/posts/2026/01/cover.jpg"
    published = datetime.datetime.fromisoformat(meta(head, "property", "article:published_time"))
    assert published == post.published_at
    assert meta(head, "name", "robots") is None


def test_a_post_without_an_image_has_no_og_image(post):
    head = head_of(post.get_absolute_url())
    assert meta(head, "property", "og:image") is None
    assert meta(head, "property", "og:title") == post.title


def test_an_image_on_its_own_host_keeps_its_address(settings, course):
    settings.MARKDOWN_EXTRA_IMAGE_PREFIXES = ["https://media.example.net/"]
    post = PostFactory(course=course, body="![A cover](https://media.example.net/posts/cover.jpg)")
    assert (
        meta(head_of(post.get_absolute_url()), "property", "og:image")
        == "https://media.example.net/posts/cover.jpg"
    )


def test_a_title_with_quotes_and_a_script_is_escaped_in_every_tag(course):
    hostile = "\"><script>alert(1)</script> 'Thaw' & co"
    post = PostFactory(course=course, title=hostile, body=f"Text with {hostile} in it.")
    html = Client().get(post.get_absolute_url()).content.decode()
    head = html[: html.index("</head>")]
    assert "<script>alert(1)" not in head
    parsed = BeautifulSoup(html, "html.parser").head
    assert meta(parsed, "property", "og:title") == hostile
    assert hostile in meta(parsed, "name", "description")
    assert parsed.find("script") is None


def test_a_members_only_post_says_noindex_and_nothing_else(members_only_course):
    member = MembershipFactory(course=members_only_course).user
    post = PostFactory(
        course=members_only_course, body="Private text.\n\n![A cover](/media/posts/2026/01/cover.jpg)"
    )
    head = head_of(post.get_absolute_url(), user=member)
    assert meta(head, "name", "robots") == "noindex"
    assert head.find("link", rel="canonical") is None
    assert head.find("meta", attrs={"property": re.compile("^(og|article):")}) is None
    assert meta(head, "name", "description") is None


def test_a_draft_seen_by_its_author_says_noindex(course, student):
    draft = DraftFactory(course=course, author=student)
    head = head_of(draft.get_absolute_url(), user=student)
    assert meta(head, "name", "robots") == "noindex"
    assert head.find("link", rel="canonical") is None


def test_the_head_tags_follow_a_change_of_visibility_with_caching_on(settings, post):
    settings.ANONYMOUS_PAGE_CACHE = True
    member = MembershipFactory(course=post.course).user
    assert head_of(post.get_absolute_url(), user=member).find("link", rel="canonical") is not None
    post.course.visibility = "members"
    post.course.save()
    assert meta(head_of(post.get_absolute_url(), user=member), "name", "robots") == "noindex"


def test_the_feed_links_and_other_head_tags_stay(post):
    head = head_of(post.get_absolute_url())
    assert head.find("link", rel="stylesheet") is not None
    assert head.find("title").get_text().startswith(post.title)


# --- the course's front page ---


def render_course_meta(course):
    return Template("{% load post_meta %}{% course_meta course %}").render(Context({"course": course}))


def test_course_meta_gives_a_public_course_its_description_escaped(db):
    course = CourseFactory(description='Seventeen moments <b>"of"</b> Soviet history.')
    tag = BeautifulSoup(render_course_meta(course), "html.parser").find("meta")
    assert tag["name"] == "description"
    assert tag["content"] == 'Seventeen moments <b>"of"</b> Soviet history.'
    assert "<b>" not in render_course_meta(course)


def test_course_meta_says_noindex_for_a_members_only_course(members_only_course):
    members_only_course.description = "A members-only seminar blog."
    assert render_course_meta(members_only_course) == '<meta name="robots" content="noindex">'


def test_course_meta_says_nothing_without_a_description(db):
    assert render_course_meta(CourseFactory(description="")) == ""


def test_the_front_page_carries_the_courses_description(db):
    # Needs {% course_meta course %} in templates/posts/front.html's extra_head (see the report).
    course = CourseFactory(description="Seventeen moments in Soviet history.")
    head = head_of(course.get_absolute_url())
    assert meta(head, "name", "description") == "Seventeen moments in Soviet history."
