"""Entries' HTML: the stored, sanitised HTML with its links and images made absolute, nothing else changed."""

from feeds.content import with_absolute_urls
from posts.markdown import render_comment_markdown, render_post_markdown

from .conftest import SITE

BASE = f"{SITE}/c/soviet-history/2026/3/9/the-thaw/"

RICH = """## Sources

A claim[^1], ~~struck~~, `code`, **bold** and [a site](https://archive.example.org/x "Archive").

![A fence](/media/posts/2026/03/fence.png "The fence | Wikimedia")

| Year | Event |
|:-----|------:|
| 1956 | Thaw  |

> A quotation.

1. one
2. two

[^1]: A source, [online](https://example.org/source).
"""


def test_only_relative_links_and_images_change(db):
    html = render_post_markdown(RICH)
    expected = html.replace('href="#', f'href="{BASE}#').replace('src="/media/', f'src="{SITE}/media/')
    assert expected != html
    assert with_absolute_urls(html, BASE) == expected


def test_a_comment_with_absolute_links_comes_out_as_it_went_in(db):
    html = render_comment_markdown("A *reply* with [a link](https://example.org/), and:\n\n- one\n- two")
    assert with_absolute_urls(html, BASE) == html


def test_relative_links_resolve_as_on_the_entrys_page(db):
    html = render_comment_markdown("[up](../other/) [root](/c/soviet-history/) [same](next/)")
    out = with_absolute_urls(html, BASE)
    assert f'href="{SITE}/c/soviet-history/2026/3/9/other/"' in out
    assert f'href="{SITE}/c/soviet-history/"' in out
    assert f'href="{BASE}next/"' in out


def test_an_address_that_cannot_be_resolved_is_dropped_not_an_error(db):
    out = with_absolute_urls('<p><a href="//[broken/x" rel="nofollow ugc noopener">x</a></p>', BASE)
    assert out == '<p><a rel="nofollow ugc noopener">x</a></p>'
