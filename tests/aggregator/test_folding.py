"""The per-character folding table gives what folding the whole text gives."""

from __future__ import annotations

import random
import re
import unicodedata

from services.aggregator import clusters
from services.aggregator.clusters import folded_words
from shared.text import fold


def reference(text: str) -> str:
    """Folded words as they were computed before the table (and as search.py needs them)."""
    return " ".join(re.findall(r"\w+", fold(text)))


class TestFoldedWords:
    def test_vietnamese_in_both_normal_forms(self) -> None:
        text = "Đề nghị BỔ SUNG quy định; Hạ tầng giao thông_nông thôn (Điều 3.1)!"
        assert (
            folded_words(text) == "de nghi bo sung quy dinh ha tang giao thong_nong thon dieu 3 1"
        )
        assert folded_words(unicodedata.normalize("NFD", text)) == folded_words(text)

    def test_every_character_between_two_letters(self) -> None:
        for code in range(0x110000):
            if not 0xD800 <= code < 0xE000:  # surrogates are no characters
                text = f"a{chr(code)}b"
                assert folded_words(text) == reference(text), hex(code)

    def test_random_mixtures_including_a_final_sigma(self) -> None:
        rng = random.Random(7)
        pool = [chr(c) for c in range(0x20, 0x2000)] + list("ΣΣσς İẞß ̣́̀ \n\t_đĐ") * 20
        for _ in range(5000):
            text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
            if rng.random() < 0.3:
                text = unicodedata.normalize("NFD", text)
            assert folded_words(text) == reference(text), repr(text)
            # again: its tokens are now folded from the table of tokens seen before
            assert folded_words(text) == reference(text), repr(text)

    def test_the_table_of_tokens_stays_bounded(self) -> None:
        for n in range(clusters.TOKENS_KEPT + 500):
            assert folded_words(f"Mục-{n}, số{n}") == f"muc {n} so{n}"
        assert len(clusters._FOLDED_TOKENS) <= clusters.TOKENS_KEPT
