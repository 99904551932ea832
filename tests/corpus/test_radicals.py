"""Kangxi radicals and CJK-radical-supplement look-alikes become the ideographs they stand for, in every format."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from corpus.pipeline import build_passages
from corpus.repair import map_radicals, radical_table, repair_line, repair_text


def test_look_alikes_become_ideographs() -> None:
    assert map_radicals("机动⻋") == ("机动车", 1)
    assert map_radicals("⼈⾏道") == ("人行道", 2)
    assert map_radicals("人行道") == ("人行道", 0)
    fixed = repair_line("⾮机动⻋⾏驶")
    assert (fixed.text, fixed.radicals_mapped) == ("非机动车行驶", 3)


def test_the_table_is_unicodes() -> None:
    table = radical_table()
    assert len(table) == 114 + 214  # the supplement's equivalents, and the whole Kangxi block
    for code, ideograph in table.items():
        assert unicodedata.name(ideograph).startswith("CJK UNIFIED IDEOGRAPH"), hex(code)
        if 0x2F00 <= code <= 0x2FD5:
            assert unicodedata.normalize("NFKC", chr(code)) == ideograph
    assert 0x2E80 not in table  # Unicode gives it no equivalent


radical_texts = st.text(alphabet=st.sampled_from(sorted(chr(c) for c in radical_table()) + list("机动车人行道，。 ab1")), max_size=30)


@given(radical_texts)
def test_repair_stays_idempotent_with_radicals(text: str) -> None:
    once = repair_text(text)
    assert repair_text(once) == once
    assert not any(ord(ch) in radical_table() for ch in once)


def test_every_format_maps_them(tmp_path: Path) -> None:
    (tmp_path / "rules.txt").write_text("非机动车管理\n\n⾮机动⻋应当在⾮机动⻋道内⾏驶。\n", encoding="utf-8")
    result = build_passages([tmp_path])
    assert [p.text for p in result.passages] == ["非机动车应当在非机动车道内行驶。"]
