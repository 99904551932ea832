"""Damage made at test time from real paragraphs (DRCD dev), and how much of it repair undoes.

The damage imitates what the sample shows and what scrapers do: pinyin inserted after characters by a
converter, UTF-8 bytes read as Latin-1 or Windows-1252, full-width letters and digits, mixed parentheses.
The figures are printed (run with -s to see them) and asserted.
"""

from __future__ import annotations

import codecs
import random
import re

import ftfy
import pypinyin  # a test dependency: the pinyin source for the damage

from corpus.pinyin import HAN, remove_pinyin
from corpus.repair import FTFY_CONFIG, fix_cjk_mojibake, narrow_alnum, repair_line
from tests.corpus.conftest import SAMPLE

TONE_MARKED = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")
_HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_RUN = re.compile(f"[{HAN}]{{2}}")


def _reading(ch: str) -> str | None:
    """The tone-marked reading pypinyin gives a character, or None (neutral tone, unknown character)."""
    (reading,) = pypinyin.lazy_pinyin(ch, style=pypinyin.Style.TONE, errors="ignore") or [None]
    return reading if reading and TONE_MARKED & set(reading) else None


def insert_pinyin(text: str, rng: random.Random, share: float = 0.3, parens: tuple[str, str] = ("(", ")")) -> tuple[str, int]:
    """After about `share` of the characters, insert their pinyin as the sample's converter did: 發(fā)."""
    out, count = [], 0
    for ch in text:
        out.append(ch)
        if _HAN_CHAR.match(ch) and rng.random() < share and (reading := _reading(ch)):
            out.append(f"{parens[0]}{reading}{parens[1]}")
            count += 1
    return "".join(out), count


def _windows_1252(err: UnicodeDecodeError) -> tuple[str, int]:
    # Windows maps the five bytes cp1252 leaves undefined to the same-numbered control characters.
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("test-windows-1252", _windows_1252)


def as_latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def as_cp1252(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="test-windows-1252")


def one_sentence_as_cp1252(text: str) -> str:
    """Only the middle sentence damaged: mojibake inside otherwise clean text."""
    sentences = re.split("(?<=。)", text)
    middle = len(sentences) // 2
    sentences[middle] = as_cp1252(sentences[middle])
    return "".join(sentences)


def widen(text: str, rng: random.Random) -> str:
    """Half of the ASCII letters and digits made full-width (ＡＢＣ１２３), as some editors type them."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() and rng.random() < 0.5 else c for c in text)


def test_inserted_pinyin_is_removed_exactly(drcd_paragraphs: list[str]) -> None:
    rng = random.Random(2)
    inserted = restored = 0
    for original in drcd_paragraphs:
        damaged, count = insert_pinyin(original, rng)
        inserted += count
        text, removed = remove_pinyin(damaged)
        restored += text == original and removed == count
    print(f"\npinyin: {inserted} annotations inserted into {len(drcd_paragraphs)} DRCD paragraphs; {restored} paragraphs restored exactly")
    assert inserted > 50_000
    assert restored == len(drcd_paragraphs)


def test_pinyin_with_full_width_mixed_parentheses_and_words(drcd_paragraphs: list[str]) -> None:
    rng = random.Random(3)
    styles = [("（", "）"), ("(", "）"), ("（", ")")]
    for original in drcd_paragraphs[:300]:
        damaged, _ = insert_pinyin(original, rng, 0.2, rng.choice(styles))
        # and a word-level annotation: 共產(gòng chǎn)
        m = _HAN_RUN.search(damaged)
        if m and all(_reading(c) for c in m.group(0)):
            word = " ".join(_reading(c) or "" for c in m.group(0))
            damaged = damaged[: m.end()] + f"({word})" + damaged[m.end() :]
        assert remove_pinyin(damaged)[0] == original


def _rate(pairs: list[tuple[str, str]]) -> float:
    return sum(a == b for a, b in pairs) / len(pairs)


def test_mojibake_restored_for_at_least_99_percent(drcd_paragraphs: list[str]) -> None:
    figures = {}
    for name, damage in (("latin-1", as_latin1), ("cp1252", as_cp1252), ("one sentence cp1252", one_sentence_as_cp1252)):
        damaged = [damage(p) for p in drcd_paragraphs]
        assert sum(d != p for d, p in zip(damaged, drcd_paragraphs, strict=True)) == len(drcd_paragraphs)  # all damaged
        by_ftfy = _rate([(ftfy.fix_text(d, config=FTFY_CONFIG), p) for d, p in zip(damaged, drcd_paragraphs, strict=True)])
        by_repair = _rate([(repair_line(d).text, repair_line(p).text) for d, p in zip(damaged, drcd_paragraphs, strict=True)])
        figures[name] = (by_ftfy, by_repair)
    for name, (by_ftfy, by_repair) in figures.items():
        print(f"\nmojibake {name}: ftfy alone restores {by_ftfy:.2%} of {len(drcd_paragraphs)} paragraphs exactly; repair_line {by_repair:.2%}")
    assert all(by_repair >= 0.99 for _, by_repair in figures.values())
    # ftfy alone does it for whole damaged paragraphs; inside clean text it leaves short runs (1786å¹´), which
    # repair_line's second pass decodes.
    assert figures["latin-1"][0] >= 0.99 and figures["cp1252"][0] >= 0.99


def test_the_second_mojibake_pass_leaves_clean_text_alone(drcd_paragraphs: list[str]) -> None:
    assert [p for p in drcd_paragraphs if fix_cjk_mojibake(p) != p] == []
    assert fix_cjk_mojibake(SAMPLE.read_text(encoding="utf-8")) == SAMPLE.read_text(encoding="utf-8")
    for latin in ("café résumé naïve", "Ã©tude", "“quoted” — dash… ½ ¼ ©®", "Œuvre façade São Paulo"):
        assert fix_cjk_mojibake(latin) == latin


def test_full_width_half_width_mixes_restored(drcd_paragraphs: list[str]) -> None:
    rng = random.Random(4)
    with_alnum = [p for p in drcd_paragraphs if re.search("[A-Za-z0-9]", p)]
    assert len(with_alnum) > 500
    assert not [p for p in drcd_paragraphs if narrow_alnum(p)[1]]  # the originals have no full-width letters
    for original in with_alnum:
        widened = widen(original, rng)
        assert narrow_alnum(widened)[0] == original


def test_all_damage_at_once(drcd_paragraphs: list[str]) -> None:
    """Pinyin, full-width letters, then the whole thing read as Windows-1252: what a bad scrape does."""
    rng = random.Random(5)
    pairs = []
    for original in drcd_paragraphs:
        damaged = as_cp1252(widen(insert_pinyin(original, rng, 0.3, rng.choice([("(", ")"), ("（", "）")]))[0], rng))
        pairs.append((repair_line(damaged).text, repair_line(original).text))
    rate = _rate(pairs)
    print(f"\nall damage at once: {rate:.2%} of {len(pairs)} paragraphs restored")
    assert rate >= 0.99
