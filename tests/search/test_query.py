"""What a reader types is read as words and phrases only: no engine syntax survives parsing."""

from search.query import MAX_QUERY_CHARS, MAX_TERMS, Term, parse


def test_words_and_quoted_phrases():
    query = parse('Gulag "the  Thaw" letters')
    assert query.terms == (Term(("gulag",)), Term(("the", "thaw")), Term(("letters",), prefix=True))
    assert query.has_phrase


def test_only_the_last_word_outside_quotes_is_a_prefix_and_only_from_three_letters():
    assert parse("amnest").terms == (Term(("amnest",), prefix=True),)
    assert parse('amnest "gulag camps"').terms[0].prefix
    assert not parse("the ok").terms[-1].prefix
    assert not any(t.prefix for t in parse('"amnesty"').terms)


def test_an_unclosed_quote_runs_to_the_end_as_a_phrase():
    assert parse('thaw "gulag amnesty').terms == (Term(("thaw",), prefix=True), Term(("gulag", "amnesty")))


def test_engine_syntax_is_only_separators():
    for raw in ('title:amnesty NEAR(a b) ^start * AND "x"', "OR -y & !z :* '); DROP TABLE posts; --"):
        words = [w for term in parse(raw).terms for w in term.words]
        assert words and all(w.isalnum() for w in words), words
    assert [t.words for t in parse("title:amnesty^2").terms] == [("title",), ("amnesty",), ("2",)]


def test_control_characters_and_nul_bytes_are_spaces():
    assert parse("am\x00nesty\x02 \x03thaw").terms[:2] == (Term(("am",)), Term(("nesty",)))


def test_decomposed_accents_stay_in_one_word():
    assert parse("Khrushche\u0308v").terms == (Term(("khrushchëv",), prefix=True),)


def test_a_long_query_is_refused_not_cut():
    query = parse("amnesty " * 1000)
    assert query.too_long and not query.searchable
    assert len(query.text) == MAX_QUERY_CHARS
    assert not parse("a" * MAX_QUERY_CHARS).too_long


def test_at_most_max_terms_are_searched_and_repeats_count_once():
    query = parse(" ".join(f"word{n}" for n in range(MAX_TERMS + 5)))
    assert len(query.terms) == MAX_TERMS and query.dropped == 5
    assert len(parse("thaw thaw thaw gulag").terms) == 2


def test_nothing_searchable():
    for raw in ("", "   ", '""', "***", "\x00", None, "_ _"):
        assert not parse(raw).searchable, raw


def test_a_huge_query_is_refused_without_reading_it_all():
    query = parse("a" + " " * 10_000_000)
    assert query.too_long and len(query.text) <= MAX_QUERY_CHARS
