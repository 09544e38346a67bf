"""Snippets are escaped text with <mark> around the matched words, and nothing else."""

from search.highlight import marked, snippet


def test_text_is_escaped_and_only_mark_is_added():
    html = marked('<script>alert("x")</script> and the amnesty', {"amnesty", "script"})
    assert html == (
        "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; "
        "and the <mark>amnesty</mark>"
    )


def test_whole_words_only_and_case_kept():
    assert marked("Thaw, thawed, THAW", {"thaw"}) == "<mark>Thaw</mark>, thawed, <mark>THAW</mark>"


def test_a_match_with_regex_characters_is_literal():
    assert marked("a+b a.b", {"a.b"}) == "a+b <mark>a.b</mark>"


def test_the_snippet_opens_near_the_first_match():
    text = " ".join(f"word{n}" for n in range(200)) + " amnesty " + " ".join(f"more{n}" for n in range(200))
    html = snippet(text, {"amnesty"})
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>amnesty</mark>" in html
    assert len(html) < 320


def test_without_a_match_in_the_text_the_snippet_is_its_opening():
    assert snippet("Short text.", set()) == "Short text."
    assert snippet("x " * 500, {"absent"}).endswith("…")
