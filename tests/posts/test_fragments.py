"""In-page links: a link to the writer's own heading or note follows its prefixed id; page anchors stay."""

from bs4 import BeautifulSoup

from posts.markdown import ID_PREFIX, render_comment_markdown, render_post_markdown
from tests.factories import PostFactory

BODY = """## Sources

As the [list of sources](#sources) shows, and [the readers' answers](#comments) too.
See [my note](#user-content-sources) and [the second part](#the-thaw-in-print-1).

## The Thaw in Print

## The Thaw in Print

A claim[^1].

[^1]: Freeze, chapter 12.
"""


def page(html):
    return BeautifulSoup(html, "html.parser")


def href_of(html, text):
    return page(html).find("a", string=text)["href"]


def test_headings_get_ids_from_their_text_and_repeated_ones_a_number():
    html = page(render_post_markdown(BODY))
    assert [h["id"] for h in html.find_all("h2")] == [
        f"{ID_PREFIX}sources",
        f"{ID_PREFIX}the-thaw-in-print",
        f"{ID_PREFIX}the-thaw-in-print-1",
    ]


def test_a_link_to_a_heading_of_the_post_reaches_it():
    html = render_post_markdown(BODY)
    ids = {tag["id"] for tag in page(html).find_all(id=True)}
    for text in ("list of sources", "my note", "the second part"):
        target = href_of(html, text)
        assert target.startswith("#") and target[1:] in ids, (text, target)


def test_a_link_to_a_page_anchor_the_post_does_not_have_is_left_alone():
    assert href_of(render_post_markdown(BODY), "the readers' answers") == "#comments"


def test_footnotes_and_their_back_links_still_meet():
    html = page(render_post_markdown(BODY))
    ref = html.find("sup", class_="footnote-ref").a
    note = html.find("li", class_="footnote-item")
    assert ref["href"] == f"#{note['id']}"
    assert html.find("a", class_="footnote-backref")["href"] == f"#{ref['id']}"


def test_a_heading_named_after_the_comments_is_what_a_link_to_comments_reaches():
    """Inside the post, the post's own heading wins: the writer sees it in the preview."""
    html = render_post_markdown("## Comments\n\nSee [below](#comments).")
    assert href_of(html, "below") == f"#{ID_PREFIX}comments"


def test_headings_in_other_scripts_and_with_punctuation():
    html = page(render_post_markdown("## Откуда это? 1956!\n\n## ***\n\n## fn1"))
    assert [h.get("id") for h in html.find_all("h2")] == [
        f"{ID_PREFIX}откуда-это-1956",
        f"{ID_PREFIX}section",
        f"{ID_PREFIX}fn1-1",  # a footnote's id stays the footnote's
    ]


def test_comments_keep_their_fragment_links_as_written():
    html = render_comment_markdown("As [the post says](#sources), and [above](#comments).")
    assert href_of(html, "the post says") == "#sources"
    assert href_of(html, "above") == "#comments"


def test_on_the_post_page_the_link_to_comments_reaches_the_comment_section(client, db):
    post = PostFactory(body="Answer me [in the comments](#comments).\n\n## Sources\n\n[Up](#sources)")
    response = client.get(post.get_absolute_url())
    html = page(response.content)
    assert html.find(id="comments") is not None
    assert html.find("a", string="in the comments")["href"] == "#comments"
    target = html.find("a", string="Up")["href"][1:]
    assert html.find(id=target).name == "h2"
