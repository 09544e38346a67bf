"""Which links count as a mention of a post: this site's, resolving to a post page of the same course."""

import pytest

from mentions.links import hrefs_in, linked_post_slugs, own_path
from posts.markdown import render_comment_markdown, render_post_markdown

POST_PATH = "/c/soviet-history/2014/10/3/the-thaw-in-print/"


@pytest.fixture(autouse=True)
def hosts(settings):
    settings.SITE_URL = "https://blogs.example.edu"
    settings.ALLOWED_HOSTS = ["blogs.example.edu", ".courses.example.org"]


def slugs(html, course_slug="soviet-history", base_path=lambda: "/"):
    return linked_post_slugs(html, course_slug=course_slug, base_path=base_path)


@pytest.mark.parametrize(
    "href",
    [
        POST_PATH,
        f"https://blogs.example.edu{POST_PATH}",
        f"HTTPS://BLOGS.EXAMPLE.EDU{POST_PATH}",
        f"https://blogs.example.edu:8443{POST_PATH}",
        f"http://www.courses.example.org{POST_PATH}",  # a subdomain allowed by ".courses.example.org"
        f"//blogs.example.edu{POST_PATH}",
        f"{POST_PATH}#comment-12",
        f"{POST_PATH}?utm_source=email",
        "/c/soviet-history/1999/1/1/the-thaw-in-print/",  # any date finds the post by its slug
        "/c/soviet-history/2014/10/3/the%2Dthaw%2Din%2Dprint/",
    ],
)
def test_links_to_a_post_of_this_site_count(href):
    assert slugs(f'<p><a href="{href}">Caitlin</a></p>') == {"the-thaw-in-print"}


@pytest.mark.parametrize(
    "href",
    [
        f"https://elsewhere.example.com{POST_PATH}",  # another site with the same paths
        f"https://blogs.example.edu.evil.example{POST_PATH}",
        f"ftp://blogs.example.edu{POST_PATH}",
        f"mailto:someone@blogs.example.edu?body={POST_PATH}",
        "/c/modern-china/2014/10/3/the-thaw-in-print/",  # a post of another course
        "/c/soviet-history/",  # the course, not a post
        "/c/soviet-history/2014/10/",
        "/c/soviet-history/edit/the-thaw-in-print/",
        "/no/such/page/",
        "#user-content-fn1",
        "http://[::1",  # malformed
        "",
    ],
)
def test_other_links_do_not(href):
    assert slugs(f'<p><a href="{href}">elsewhere</a></p>') == set()


def test_a_wildcard_in_allowed_hosts_does_not_make_every_site_ours(settings):
    settings.ALLOWED_HOSTS = ["*"]
    assert slugs(f'<a href="https://elsewhere.example.com{POST_PATH}">x</a>') == set()
    assert slugs(f'<a href="https://blogs.example.edu{POST_PATH}">x</a>') == {"the-thaw-in-print"}


def test_a_link_relative_to_the_page_it_is_on_is_resolved_against_that_page():
    html = '<a href="../../../../2014/11/7/corn-corn-everywhere/">corn</a>'
    asked = []

    def base_path():
        asked.append(True)
        return POST_PATH

    assert slugs(html, base_path=base_path) == {"corn-corn-everywhere"}
    assert asked == [True]


def test_the_page_address_is_not_worked_out_for_links_that_do_not_need_it():
    def base_path():
        raise AssertionError("not needed for a root-relative or absolute link")

    html = (
        f'<a href="{POST_PATH}">a</a> <a href="https://blogs.example.edu/c/soviet-history/2014/1/1/b/">b</a>'
    )
    assert slugs(html, base_path=base_path) == {"the-thaw-in-print", "b"}


def test_links_through_the_markdown_pipeline_are_found_with_entities_decoded():
    html = render_comment_markdown(
        f"Check out [Caitlin's post]({POST_PATH}?a=1&b=2) and [this one](/c/soviet-history/2014/1/2/other/)."
    )
    assert "&amp;" in html
    assert slugs(html) == {"the-thaw-in-print", "other"}


def test_text_that_only_looks_like_a_link_is_not_one():
    html = render_post_markdown(f'Typed as code: `<a href="{POST_PATH}">x</a>` and as text {POST_PATH}')
    assert slugs(html) == set()


def test_a_body_stuffed_with_links_is_read_up_to_a_bound():
    html = "".join(f'<a href="/c/soviet-history/2014/1/1/post-{n}/">{n}</a>' for n in range(1000))
    assert len(hrefs_in(html)) == 200
    assert len(slugs(html)) == 200


def test_own_path_keeps_the_path_only():
    assert own_path(f"https://blogs.example.edu{POST_PATH}?x=1#y") == POST_PATH
    assert own_path("https://blogs.example.edu") == "/"
