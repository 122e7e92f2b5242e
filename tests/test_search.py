"""The pure search (reader/text/search.py): the same matches as the regular expression the
article pane used to run on every keystroke, whichever path finds them, chunk by chunk."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st
from strategies import tricky_text

from reader.text.search import (
    Match,
    Search,
    SearchResult,
    _fold,  # the byte path's tables
    _latin1_partners,
    compile_query,
    find_all,
)

# Characters IGNORECASE pairs across latin-1 and beyond (ſ/s, K/k, İ ı/i, Å/å, µ/μ,
# ÿ/Ÿ, ß/ẞ), cased latin-1 letters, the byte path's stand-in `?`, and one beyond U+FFFF.
CASE_PIECES = ["s", "S", "\u017f", "k", "K", "\u212a", "i", "I", "\u0130", "\u0131", "å", "Å",
               "\u212b", "µ", "μ", "Μ", "ÿ", "Ÿ", "ß", "ẞ", "é", "É", "?", "—", "😀", "a", "A", " ",
               "aa", "Aa"]

case_text = st.lists(st.sampled_from(CASE_PIECES), max_size=30).map("".join)
texts = st.one_of(case_text, tricky_text)
queries = st.one_of(st.lists(st.sampled_from(CASE_PIECES), min_size=1, max_size=3).map("".join),
                    st.text(min_size=1, max_size=4))


def old_search(text: str, query: str) -> list[tuple[int, int]]:
    """What `ArticleView.search` did before (git show 598fc98:reader/ui/widgets/article_view.py)."""
    if not query:
        return []
    flags = 0 if any(char.isupper() for char in query) else re.IGNORECASE
    return [m.span() for m in re.compile(re.escape(query), flags).finditer(text)]


@given(texts, queries, st.integers(min_value=1, max_value=9))
@example("ab\u017fcds", "s", 2)  # the long s matches `s` ignoring case
@example("\u212a k K", "k", 2)  # so does the Kelvin sign `k`
@example("\u0130\u0131 iI", "i", 1)
@example("\u212b å Å", "å", 2)
@example("a?b\u2014?", "?", 2)  # `?` stands for characters beyond latin-1 in the byte path
@example("xAAAy", "aa", 2)  # non-overlapping, across a chunk boundary
def test_same_matches_as_the_old_search_in_any_chunking(text: str, query: str,
                                                        chunk: int) -> None:
    result = Search(text, query, chunk_size=chunk).run()
    assert [tuple(match) for match in result] == old_search(text, query)
    assert result.complete


@given(texts, st.data(), st.integers(min_value=1, max_value=9))
def test_every_match_satisfies_the_case_rule(text: str, data: st.DataObject, chunk: int) -> None:
    """Queries cut from the text itself (so there are matches), recased now and then."""
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    query = text[start:start + data.draw(st.integers(1, 4))]
    query = data.draw(st.sampled_from([query, query.lower(), query.upper()]))
    result = Search(text, query, chunk_size=chunk).run()
    pattern = compile_query(query)
    for begin, end in result:
        assert end - begin == len(query)
        assert pattern.fullmatch(text, begin, end), (begin, text[begin:end])
        if any(char.isupper() for char in query):
            assert text[begin:end] == query
    ends = [end for _begin, end in result]
    assert all(a <= b for a, b in zip(ends, [begin for begin, _end in result][1:], strict=False))


def test_smart_case() -> None:
    text = "The theme, THE END; the"
    assert [m.start for m in find_all(text, "the")] == [0, 4, 11, 20]
    assert [m.start for m in find_all(text, "The")] == [0]
    assert find_all(text, "") == []


def test_long_text_takes_the_byte_path_and_agrees() -> None:
    """Several default-size chunks, with partners (long s, Kelvin sign) in one chunk only
    and matches across chunk boundaries."""
    piece = "Treaty treaty TREATY “quoted” trEAty café CAFÉ 東京 "
    text = piece * 20_000 + "\u017ftreaty \u212ak " + piece * 20_000
    for query in ("treaty", "café", "kk", "st", "y t", "東京"):
        search = Search(text, query)
        assert [tuple(m) for m in search.run()] == old_search(text, query), query
    assert Search(text, "treaty")._bytes is not None, "the fast path was not taken"


def test_steps_report_progress_and_can_stop_between_chunks() -> None:
    text = "needle hay " * 1000
    search = Search(text, "needle", chunk_size=500)
    fractions = []
    for fraction in search.steps():
        fractions.append(fraction)
        if len(fractions) == 5:
            break
    assert fractions == sorted(fractions) and 0 < fractions[-1] < 1
    assert not search.result.complete
    partial = list(search.result)
    full = find_all(text, "needle")
    assert partial == list(full)[: len(partial)] and 0 < len(partial) < len(full)
    fractions += list(search.steps())  # it carries on where it stopped
    assert fractions[-1] == 1.0 and search.result == full


def test_result_is_a_compact_sequence_of_matches() -> None:
    result = find_all("abcabc", "bc")
    assert result.starts.typecode == "q" and list(result.starts) == [1, 4]
    assert result[1] == Match(4, 6) and result[-1] == Match(4, 6)
    assert result[:1] == [Match(1, 3)]
    assert result == [(1, 3), (4, 6)] and result != [(1, 3)]
    assert SearchResult("x") == []


def test_the_fold_table_is_exactly_ignorecase_on_latin1() -> None:
    fold = _fold()
    chars = [chr(code) for code in range(256)]
    for a in chars:
        pattern = re.compile(re.escape(a), re.IGNORECASE)
        for b in chars:
            assert (pattern.fullmatch(b) is not None) == (fold[ord(a)] == fold[ord(b)]), (a, b)


def test_partners_beyond_latin1() -> None:
    partners = _latin1_partners()
    assert "\u017f" in partners["s"] and "\u212a" in partners["k"]  # long s, Kelvin sign
    assert "\u212b" in partners["å"]  # Angstrom sign
    assert "\u0130" in partners["i"] and "\u0131" in partners["i"]  # dotted and dotless i
    assert "?" not in partners
