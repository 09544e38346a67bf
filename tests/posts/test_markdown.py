"""The one Markdown pipeline: what a reader's browser gets from what a student typed."""

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from posts.markdown import images_in, render_comment_markdown, render_post_markdown

EXECUTABLE_ELEMENTS = {"script", "iframe", "style", "object", "embed", "frame", "frameset", "svg", "math"}
EXECUTABLE_ELEMENTS |= {"form", "input", "button", "textarea", "link", "meta", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def soup(html):
    return BeautifulSoup(html, "html.parser")


def _as_browser_reads(url):
    """Browsers drop ASCII whitespace and control characters from a URL before reading its scheme."""
    return re.sub(r"[\x00-\x20]", "", url).lower()


def assert_harmless(html):
    """Nothing in `html` can run script: no such elements, no handlers, no script URLs, no styles."""
    parsed = soup(html)
    found = {tag.name for tag in parsed.find_all(True)}
    assert not found & EXECUTABLE_ELEMENTS, html
    for tag in parsed.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), html
            if name == "style":
                # Only table cell alignment (from Markdown tables) keeps a style.
                assert tag.name in ("th", "td"), html
                assert re.fullmatch(r"text-align:\s*(left|right|center);?", value), html
            if name.lower() in URL_ATTRIBUTES:
                assert not _as_browser_reads(value).startswith(BAD_SCHEMES), html


# --- CommonMark basics ---------------------------------------------------------------


def test_emphasis_lists_quotes_and_code():
    html = render_post_markdown(
        "Some **bold**, *italic* and `code`.\n\n"
        "- first\n- second\n\n"
        "1. one\n2. two\n\n"
        "> quoted\n\n"
        "```\nprint('x')\n```\n"
    )
    page = soup(html)
    assert page.find("strong").text == "bold"
    assert page.find("em").text == "italic"
    assert page.find("code").text == "code"
    assert [li.text for li in page.find("ul").find_all("li")] == ["first", "second"]
    assert [li.text for li in page.find("ol").find_all("li")] == ["one", "two"]
    assert page.find("blockquote").text.strip() == "quoted"
    assert page.find("pre").text == "print('x')\n"


def test_paragraphs_and_hard_breaks():
    page = soup(render_post_markdown("One line\nsame paragraph.\n\nSecond  \nbroken."))
    paragraphs = page.find_all("p")
    assert len(paragraphs) == 2
    assert paragraphs[0].text == "One line\nsame paragraph."
    assert paragraphs[1].find("br") is not None


def test_headings_never_make_a_second_h1():
    """The post's title is the page's only h1: a "# Heading" in the body becomes an h2."""
    page = soup(
        render_post_markdown("# Top\n\nSetext top\n==========\n\n## Second\n\n### Third\n\n###### Six")
    )
    assert page.find("h1") is None
    assert [(h.name, h.text) for h in page.find_all(re.compile(r"^h\d$"))] == [
        ("h2", "Top"),
        ("h2", "Setext top"),
        ("h2", "Second"),
        ("h3", "Third"),
        ("h6", "Six"),
    ]


def test_strikethrough():
    page = soup(render_post_markdown("The plan was ~~cancelled~~ postponed."))
    struck = page.find(["s", "del"])
    assert struck is not None and struck.text == "cancelled"


def test_tables_with_alignment():
    page = soup(render_post_markdown("| Year | Prisoners |\n|:-----|----------:|\n| 1956 | 1.6 million |\n"))
    table = page.find("table")
    assert [th.text for th in table.find("thead").find_all("th")] == ["Year", "Prisoners"]
    cells = table.find("tbody").find_all("td")
    assert [td.text for td in cells] == ["1956", "1.6 million"]
    assert "right" in cells[1]["style"]


def test_footnotes_have_prefixed_ids_and_matching_links():
    html = render_post_markdown(
        "Freeze says so[^freeze], and so does the Digest[^2].\n\n"
        "[^freeze]: Gregory Freeze, *Russia: A History*, 415.\n"
        "[^2]: The Current Digest of the Soviet Press.\n"
    )
    page = soup(html)
    notes = page.find("section", class_="footnotes")
    assert notes is not None
    items = notes.find_all("li")
    assert [li.get_text(" ", strip=True).split(" ↩")[0] for li in items] == [
        "Gregory Freeze, Russia: A History , 415.",
        "The Current Digest of the Soviet Press.",
    ]
    ids = {tag["id"] for tag in page.find_all(id=True)}
    assert ids, "footnotes need ids to link to"
    # User ids cannot clash with the page's own ids.
    assert all(i.startswith("user-content-") for i in ids)
    # Every in-page link points at an id that exists: reference -> note and back.
    fragment_links = [a["href"] for a in page.find_all("a", href=re.compile("^#"))]
    assert len(fragment_links) == 4
    for href in fragment_links:
        assert href[1:] in ids
    refs = page.find_all("sup", class_="footnote-ref")
    assert [sup.a["href"] for sup in refs] == ["#" + items[0]["id"], "#" + items[1]["id"]]


def test_a_note_cited_twice_reads_the_same_number_both_times():
    page = soup(
        render_post_markdown(
            "First[^freeze], again[^freeze], other[^2].\n\n[^freeze]: Freeze.\n[^2]: Digest."
        )
    )
    refs = page.find_all("sup", class_="footnote-ref")
    assert [sup.text for sup in refs] == ["[1]", "[1]", "[2]"]
    notes = page.find("section", class_="footnotes").find_all("li")
    assert [ref.a["href"] for ref in refs] == ["#" + notes[0]["id"]] * 2 + ["#" + notes[1]["id"]]
    # The note links back to both places it is cited.
    backrefs = [a["href"][1:] for a in notes[0].find_all("a", class_="footnote-backref")]
    assert backrefs == [refs[0].a["id"], refs[1].a["id"]]


def test_links_are_nofollow_ugc_noopener():
    page = soup(
        render_post_markdown("See [the archive](https://soviethistory.msu.edu/) and <https://example.org>.")
    )
    links = page.find_all("a")
    assert [a["href"] for a in links] == ["https://soviethistory.msu.edu/", "https://example.org"]
    for a in links:
        assert a["rel"] == ["nofollow", "ugc", "noopener"]


# --- Images --------------------------------------------------------------------------


def test_image_alone_is_a_figure_with_caption_and_credit():
    media = settings.MEDIA_URL
    html = render_post_markdown(
        f'![A wooden fence and barbed wire]({media}posts/2026/11/fence.jpg "Fence at the old Gulag | '
        'Gulag Image retrieved from: Seventeen Moments in Soviet History")'
    )
    figure = soup(html).find("figure")
    assert figure is not None
    img = figure.find("img")
    assert img["src"] == f"{media}posts/2026/11/fence.jpg"
    assert img["alt"] == "A wooden fence and barbed wire"
    caption = figure.find("figcaption")
    credit = caption.find(class_="credit")
    assert credit.text == "Gulag Image retrieved from: Seventeen Moments in Soviet History"
    assert caption.text.replace(credit.text, "").strip() == "Fence at the old Gulag"


def test_figure_with_caption_only_and_without_title():
    media = settings.MEDIA_URL
    with_caption = soup(render_post_markdown(f'![Khrushchev]({media}k.jpg "Nikita Khrushchev")'))
    assert with_caption.find("figcaption").text == "Nikita Khrushchev"
    assert with_caption.find(class_="credit") is None
    bare = soup(render_post_markdown(f"![Khrushchev]({media}k.jpg)"))
    assert bare.find("figure").find("img")["alt"] == "Khrushchev"
    assert bare.find("figcaption") is None


def test_image_inside_text_stays_inline():
    page = soup(render_post_markdown(f"Before ![icon]({settings.MEDIA_URL}i.png) after."))
    assert page.find("figure") is None
    assert page.find("p").find("img")["alt"] == "icon"


@pytest.mark.parametrize(
    "src",
    [
        "https://tracker.example/pixel.png",
        "http://tracker.example/pixel.png",
        "//tracker.example/pixel.png",
        "/media//tracker.example/pixel.png",
        "/static/css/site.css",
        # Same site, but not a stored image: a reader's browser would request these pages.
        "/media/../accounts/logout/",
        "/media/posts/../../c/course/unpublish/x/",
        "/media/%2e%2e/accounts/logout/",
        "/media/./posts/a.png",
        "/media/posts/a.png?next=/admin/",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "javascript:alert(1)",
    ],
)
def test_images_come_only_from_our_media(src):
    html = render_post_markdown(f"![alt text]({src})\n\nText ![inline]({src}) too.")
    assert_harmless(html)
    for img in soup(html).find_all("img"):
        image_src = img.get("src")
        assert image_src is None, html


def test_stored_image_paths_are_kept():
    for src in ("/media/posts/2026/11/Kx3-portrait_q9.jpg", "/media/posts/2026/11/a.b.webp"):
        assert BeautifulSoup(render_post_markdown(f"![a]({src})"), "html.parser").find("img")["src"] == src


def test_images_in_finds_alt_text():
    found = images_in(
        f"![A fence]({settings.MEDIA_URL}a.jpg)\n\nText ![](/media/b.png) and ![ ](/media/c.gif)"
    )
    assert [(image.src, image.alt) for image in found] == [
        ("/media/a.jpg", "A fence"),
        ("/media/b.png", ""),
        ("/media/c.gif", ""),
    ]


# --- Hostile input ---------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<script>alert(1)</script>**bold**",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "text <script>alert(1)</script> text",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<a href="#" onclick="alert(1)">click</a>',
    '<div onmouseover="alert(1)">hover</div>',
    '<body onload="alert(1)">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<span style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</span>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="javascript:alert(1)"',
    "<img src=x onerror=alert(1)<b>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](java&#115;cript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](&#0000106&#0000097vascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](java&Tab;script:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](DATA:text/html,<script>alert(1)</script>)",
    "[click](vbscript:msgbox(1))",
    "[click](VBScript:msgbox(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click][ref]\n\n[ref]: data:text/html,alert(1)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    '[click](https://example.org "title" onmouseover="alert(1)")',
    '[click](https://example.org "x\\" onmouseover=\\"alert(1)")',
    '![x](/media/a.png "cap\\" onerror=\\"alert(1) | credit")',
    '![x" onerror="alert(1)](/media/a.png)',
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "Note[^1]\n\n[^1]: <img src=x onerror=alert(1)> [x](javascript:alert(1))",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "> <iframe src=//evil.example></iframe>",
    "- <a href=javascript:alert(1)>x</a>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_in_a_post_runs_nothing(text):
    assert_harmless(render_post_markdown(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_in_a_comment_runs_nothing(text):
    assert_harmless(render_comment_markdown(text))


def test_typed_html_shows_as_text_not_markup():
    """A student who types HTML sees it as text; it never becomes markup."""
    page = soup(render_post_markdown("Use <b>this</b> and <script>alert(1)</script> please."))
    assert page.find("b") is None
    assert page.find("script") is None
    assert "<script>alert(1)</script>" in page.text


def test_code_blocks_keep_their_text():
    page = soup(render_post_markdown("```\n<script>alert('x')</script>\n```"))
    assert page.find("script") is None
    assert page.find("code").text == "<script>alert('x')</script>\n"


def test_broken_markup_is_balanced():
    html = render_post_markdown("**unclosed *nested [link](https://a.example \n\n<div><p>open")
    page = soup(html)
    assert page.find("div") is None
    assert_harmless(html)


def test_pathological_nesting_renders_safely():
    text = "[a](" * 2000 + "\n\n" + "> " * 500 + "deep\n\n" + "*" * 5000
    assert_harmless(render_post_markdown(text))


# --- The comment profile -------------------------------------------------------------


def test_comment_profile_has_no_headings_images_or_tables():
    html = render_comment_markdown(
        "# Heading\n\nSetext\n======\n\n"
        f"![a photo]({settings.MEDIA_URL}posts/a.jpg)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "Check out [Caitlin's post](https://example.org/post) **now**."
    )
    page = soup(html)
    assert page.find(re.compile(r"^h\d$")) is None
    assert page.find("img") is None
    assert page.find("figure") is None
    assert page.find("table") is None
    assert page.find("strong").text == "now"
    link = page.find("a", href="https://example.org/post")
    assert link.text == "Caitlin's post"
    assert link["rel"] == ["nofollow", "ugc", "noopener"]


def test_comment_profile_keeps_lists_quotes_and_strikethrough():
    page = soup(render_comment_markdown("> you wrote\n\n- one\n- two\n\n~~wrong~~ right"))
    assert page.find("blockquote").text.strip() == "you wrote"
    assert len(page.find_all("li")) == 2
    assert page.find(["s", "del"]).text == "wrong"
