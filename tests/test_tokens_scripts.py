"""The tokenizer on scripts without spaces and on clusters: every span a user can select
character by character in CJK or Thai text falls on token edges (so Prodigy, CoNLL and
token-level agreement keep it exact), and combining marks, flags and keycaps stay inside
their token."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from reader.cli import cli
from reader.formats.align import TokenIndex
from reader.text import marks
from reader.text.cells import iter_units
from reader.text.tokens import token_at, tokenize

SENTENCE = "東京で岸田首相は防衛費の増額を約束した"


def texts(text: str) -> list[str]:
    return [token.text for token in tokenize(text)]


def test_cjk_is_one_token_per_character() -> None:
    assert texts(SENTENCE) == list(SENTENCE)
    index = TokenIndex(SENTENCE)
    for name in ("東京", "岸田首相", "防衛費の増額"):
        start = SENTENCE.index(name)
        cover = index.cover(start, start + len(name))
        assert cover is not None and cover.aligned
        assert (cover.first, cover.last) == (start, start + len(name) - 1)
    assert texts("Tower東京タワーへ") == ["Tower", "東", "京", "タ", "ワ", "ー", "へ"]
    assert texts("がｶﾞ") == ["が", "ｶ", "ﾞ"]  # a half-width voicing mark is a character
    assert token_at(SENTENCE, 4) == (4, 5, "田")  # tagging "the word under the cursor"


def test_thai_is_one_token_per_character_with_its_marks() -> None:
    assert texts("ภาษาไทยง่าย") == ["ภ", "า", "ษ", "า", "ไ", "ท", "ย", "ง่", "า", "ย"]


def test_marks_flags_keycaps_and_tags_stay_inside_their_token() -> None:
    assert texts("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]
    assert texts("مَرْحَبًا") == ["مَرْحَبًا"]
    assert texts("a\u0951bc 𑀓𑀸") == ["a\u0951bc", "𑀓𑀸"]  # an astral (Brahmi) mark too
    assert texts("🇦🇲🇫🇷!") == ["🇦🇲", "🇫🇷", "!"]
    assert texts("1️⃣ #️⃣x") == ["1️⃣", "#️⃣", "x"]
    scotland = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert texts(f"{scotland}!") == [scotland, "!"]
    assert texts("don’t stop_it, ok") == ["don’t", "stop_it", ",", "ok"]


# Characters of the scripts written without spaces, with marks that attach to them.
_unspaced = st.text(alphabet=st.sampled_from(list(
    "東京岸田首相々〇がぱタワーｶﾞﾊﾟㄅภาษไทยง่ำ\u0e31\u0e48\u3099\U00020000\U0002A6D6")),
    max_size=20)


@given(_unspaced)
def test_every_character_a_user_can_select_there_is_a_token_edge(text: str) -> None:
    """A user selects whole display units (grapheme clusters): each unit's start is a
    token's start, so a span from any unit to any unit is whole tokens."""
    starts = {token.start for token in tokenize(text)}
    assert {unit.start for unit in iter_units(text, 0, len(text))} <= starts
    assert "".join(texts(text)) == text


def test_the_marks_table_is_unicode_s() -> None:
    """MARKS and ASTRAL_MARKS are every mark of the running Python's Unicode (if that is
    newer, the new table is `python -m reader.text.marks`)."""
    basic, astral = marks.split(marks.mark_ranges())
    if unicodedata.unidata_version == marks.UNICODE_VERSION:
        assert marks.character_class(basic) == marks.MARKS
        assert marks.character_class(astral) == marks.ASTRAL_MARKS
    else:
        pytest.skip(f"Unicode {unicodedata.unidata_version}, table {marks.UNICODE_VERSION}")


def _export(tmp_path: Path, *args: str) -> tuple[Path, str]:
    out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "db.sqlite"),
                                      "-o", str(out), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return out, result.stderr


@pytest.fixture
def cjk_db(tmp_path: Path) -> Path:
    spans = [{"start": SENTENCE.index(name), "end": SENTENCE.index(name) + len(name),
              "label": label} for name, label in
             (("東京", "place"), ("岸田首相", "actor"), ("防衛費の増額", "topic"))]
    corpus = tmp_path / "cjk.jsonl"
    corpus.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in (
        {"text": SENTENCE, "id": "zh-1", "meta": {"lang": "zh"}, "spans": spans},
        {"text": "Tower 東京", "id": "other", "meta": {"lang": "ja"},
         "spans": [{"start": 6, "end": 7, "label": "place"}]},
    )), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(corpus), "--db",
                                      str(tmp_path / "db.sqlite")])
    assert result.exit_code == 0, result.output
    return tmp_path


def test_cjk_spans_stay_exact_in_prodigy_and_conll(cjk_db: Path) -> None:
    out, _ = _export(cjk_db, "--format", "prodigy")
    record = json.loads(out.read_text("utf-8").splitlines()[0])
    assert [(s["token_start"], s["token_end"]) for s in record["spans"]] == [
        (0, 1), (3, 6), (8, 13)]
    out, stderr = _export(cjk_db, "--format", "conll")
    rows = [line.split("\t") for line in out.read_text("utf-8").splitlines()
            if "\t" in line][:len(SENTENCE)]
    assert [tag for _, tag in rows[2:8]] == ["O", "B-actor", "I-actor", "I-actor",
                                             "I-actor", "O"]
    assert "cut" not in stderr


def test_spacy_tokenizes_each_document_in_its_meta_lang(cjk_db: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out, stderr = _export(cjk_db, "--format", "spacy")
    zh, _ja = DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab)
    assert [(s.start_char, s.end_char) for s in zh.spans["sc"]] == [
        (0, 2), (3, 7), (8, 14)]
    assert "widened" not in stderr.split("documents in a language")[0]
    # Japanese needs SudachiPy, not installed with the test dependencies: the default
    # language tokenizes it, and the summary says so
    assert re.search("documents in a language spaCy cannot load here [(]tokenized as 'xx'[)]:"
                     " 1 [(]e.g. [^ ]+ meta.lang 'ja'[)]", stderr)
