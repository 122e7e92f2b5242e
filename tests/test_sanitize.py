"""The one sanitiser: what reaches the terminal from data has no control or bidi character,
keeps one code point per code point, and is what the article pane draws too."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.text.cells import display_text, iter_units
from reader.text.sanitize import UNSAFE, escape_markup, safe_line, safe_text, terminal_json

HOSTILE = "Hello \x1b]0;PWNED\x1b\\ \x1b]52;c;SGFja2Vk\x07 \x9b31m \u202eevil\u202c\u2066x\u2069"
BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
OTHER = [0x2028, 0x2029, 0xD800, 0xDFFF]  # line separators, lone surrogates
UNSAFE_CHARS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), *BIDI, *OTHER]]


def test_every_control_and_bidi_character_becomes_one_visible_cell() -> None:
    for char in UNSAFE_CHARS:
        shown = safe_text(char)
        assert len(shown) == 1 and shown != char and cell_len(shown) == 1, hex(ord(char))
        assert not UNSAFE.search(shown)


def test_escape_sequences_are_shown_as_control_pictures() -> None:
    assert safe_text("a\x1b]0;T\x07b\tc\nd") == "a␛]0;T␇b␉c␊d"
    assert safe_text("\x7f\x9b\u202e\u2028\udc80") == "␡\ufffd\u21c4␤\ufffd"
    assert safe_text("plain [red]text[/]") == "plain [red]text[/]"


@given(st.text(alphabet=st.sampled_from([*UNSAFE_CHARS, "a", "é", "字", "[", "]", "/", " "])))
def test_same_length_and_nothing_unsafe_left(text: str) -> None:
    shown = safe_text(text)
    assert len(shown) == len(text)
    assert UNSAFE.search(shown) is None
    assert "\x1b" not in safe_line(text, 10)


def test_the_article_pane_draws_with_the_same_mapping() -> None:
    text = HOSTILE.replace("\t", "")
    drawn = "".join(display_text(text, unit) for unit in iter_units(text, 0, len(text)))
    assert drawn == safe_text(text)


def test_safe_line_cuts_by_cells_with_an_ellipsis() -> None:
    assert safe_line("short", 10) == "short"
    assert safe_line("0123456789abc", 10) == "012345678…"
    assert cell_len(safe_line("字" * 50, 11)) <= 11
    assert safe_line("字" * 50, 11).endswith("…")
    assert safe_line("x" * 10_000_000, 5) == "xxxx…"
    assert safe_line("anything", 0) == ""


def test_escape_markup_leaves_no_tag_for_textual() -> None:
    from textual.content import Content

    for data in ["[/]", "[red]x[/red]", "[@click=app.quit]q", "[$accent]x", "[ red]x",
                 "a\\[b]", "\x1b[31m"]:
        shown = Content.from_markup(escape_markup(data))
        assert shown.plain == safe_text(data)
        assert not shown.spans


def test_terminal_json_is_the_same_value_with_nothing_raw() -> None:
    import json

    value = {"name\u202e\x9b": ["\x1b]0;x\x07", "\u2028", "\udc80", "\x7f", "plain é 字"]}
    dumped = terminal_json(json.dumps(value, ensure_ascii=False))
    assert json.loads(dumped) == value
    assert not UNSAFE.search(dumped)
    assert "é 字" in dumped  # readable text stays readable
