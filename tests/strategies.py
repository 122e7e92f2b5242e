"""Hypothesis strategies for the text that breaks other annotators' offsets."""

from __future__ import annotations

from hypothesis import strategies as st

TRICKY_PIECES = [
    "\r\n", "\n", "\r", "\t", " ", "  ", "e\u0301", "👨🏻‍🚒", "👩‍👩‍👧", "🇦🇲", "❤️", "東京", "中文字",
    "مرحبا", "שלום", "Ararat", "Mirzoyan", "’", "“", "\x1b", "\u200d", "\ufeff", "ﬁ", "한국어",
]

tricky_text = st.lists(
    st.one_of(
        st.sampled_from(TRICKY_PIECES),
        st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=6),
        st.text(alphabet="abc de", min_size=1, max_size=12),
    ),
    max_size=40,
).map("".join)
