"""The checker behind the hostile-input tests finds what a browser would run, and lets only our links by."""

import pytest

from tests.hardening.executable import executable_parts


@pytest.mark.parametrize(
    "html",
    [
        '<link rel="stylesheet" href="//evil.example/x.css">',
        '<link rel="alternate" href="https://evil.example/feed">',
        '<link rel="alternate" href="//evil.example/feed">',
        '<link rel="alternate stylesheet" href="/c/x/feed/atom/">',
        '<link href="/c/x/feed/atom/">',
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_hostile_markup_is_found(html):
    assert executable_parts(html)


@pytest.mark.parametrize(
    "html",
    [
        '<link rel="stylesheet" href="/static/css/site.css">',
        '<link rel="alternate" type="application/atom+xml" href="/c/x/feed/atom/" title="&lt;img&gt;">',
        '<link rel="canonical" href="{site}/c/x/2014/11/3/post/">',
    ],
)
def test_our_own_links_pass(html, settings):
    assert executable_parts(html.format(site=settings.SITE_URL.rstrip("/"))) == []
