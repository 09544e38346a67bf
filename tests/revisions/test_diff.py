from revisions.diff import counts, diff_html, word_changes


def test_a_changed_word_is_one_deletion_and_one_insertion():
    changes = word_changes("The amnesty freed many prisoners.", "The amnesty freed some prisoners.")
    assert changes == [
        ("equal", "The amnesty freed "),
        ("delete", "many "),
        ("insert", "some "),
        ("equal", "prisoners."),
    ]
    assert "".join(text for op, text in changes if op != "delete") == "The amnesty freed some prisoners."


def test_the_diff_marks_words_and_escapes_the_text():
    html = diff_html("A <b>bold</b> claim.", "A <script>x</script> claim.")
    assert html == "A <del>&lt;b&gt;bold&lt;/b&gt; </del><ins>&lt;script&gt;x&lt;/script&gt; </ins>claim."
    assert "<script>" not in html and "<b>" not in html


def test_a_paragraph_added_between_two_keeps_both_unchanged():
    old = "First paragraph.\n\nLast paragraph."
    new = "First paragraph.\n\nA new middle one.\n\nLast paragraph."
    assert [op for op, _ in word_changes(old, new)] == ["equal", "insert", "equal"]
    assert diff_html(old, new) == "First paragraph.\n\n<ins>A new middle one.\n\n</ins>Last paragraph."


def test_counts_are_in_words():
    assert counts("one two three", "one three four five") == (1, 2)


def test_identical_texts_have_no_changes():
    assert diff_html("Same words.\n\nAnd lines.", "Same words.\n\nAnd lines.") == "Same words.\n\nAnd lines."
