"""Properties, checked by hypothesis on generated text: repair is idempotent and never drops a Chinese
character outside an annotation or a furniture line; grouping lines into paragraphs drops none either and leaves no
bare fragment; splitting loses no text and keeps to the limit."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corpus.clean import clean_document
from corpus.furniture import furniture_kind
from corpus.model import Document
from corpus.pinyin import HAN
from corpus.repair import repair_text
from corpus.split import split_block, split_paragraph
from corpus.structure import is_fragment

_HAN_CHAR = re.compile(f"[{HAN}]")
# Characters from the sample's body, which no furniture, byline or dateline rule is keyed on.
BODY_HAN = "上合新區一體化發展青島膠州臨空經濟示范黨工委舉行推動建設國際平臺實踐加快現代意見營商環境核心競爭力服務企業"
PUNCT = "，。、：；！？“”‘’《》（）,.:;!?()"
FURNITURE = ("新聞專題 > 時政類 > 正文", "分享到:", "我要爆料 免責聲明", "? 青島新聞網版權所有", "责任编辑：张三", "（完）")

pinyin = st.sampled_from(["(fā)", "(qū)", "（shí）", "(wǎng)", "(gòng chǎn)", "(fēng)", "(SCO)", "(風電)", "(café)"])
mojibake = st.text(alphabet=BODY_HAN, min_size=1, max_size=4).map(lambda s: s.encode("utf-8").decode("latin-1"))
pieces = st.one_of(
    st.text(alphabet=BODY_HAN + PUNCT, min_size=1, max_size=12),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
    st.text(alphabet="ａｂｃ１２３ \u3000\u00a0\t?!ÃåæèéäŒ€\ufffd", max_size=4),
    pinyin,
    mojibake,
)
texts = st.lists(pieces, max_size=12).map("".join)


def han(text: str) -> list[str]:
    return _HAN_CHAR.findall(unicodedata.normalize("NFC", text))


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_repair_is_idempotent(text: str) -> None:
    once = repair_text(text)
    assert repair_text(once) == once


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_repair_never_drops_a_chinese_character(text: str) -> None:
    # Repair may add characters (mojibake decoded back) but every character of the input survives, in order.
    # NFC first: ftfy maps CJK compatibility ideographs to their canonical equivalents, which is not a loss.
    assert is_subsequence(han(text), han(repair_text(text)))


body_lines = st.text(alphabet=BODY_HAN + "，。、“”", min_size=1, max_size=80)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(body_lines, min_size=1, max_size=8), st.lists(st.sampled_from(FURNITURE), max_size=4), st.randoms(use_true_random=False))
def test_cleaning_keeps_every_chinese_character_outside_furniture(body: list[str], furniture: list[str], rnd) -> None:  # type: ignore[no-untyped-def]
    assume(all(furniture_kind(line) is None for line in body))
    lines = body + furniture
    rnd.shuffle(lines)
    cleaned = clean_document(Document("d", "d.txt", "\n\n".join(lines)))
    doc = cleaned.document
    kept = [doc.title, *doc.headings, doc.byline or "", *(p.text for p in cleaned.paragraphs)]
    assert Counter(han("".join(kept))) == Counter(han("".join(body)))
    assert cleaned.repairs.furniture_dropped == len(furniture)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=1500) | st.lists(body_lines, max_size=30).map("".join),
    st.integers(1, 600),
)
def test_splitting_loses_no_text(text: str, max_chars: int) -> None:
    parts = split_paragraph(text, max_chars)
    assert "".join(parts) == text
    assert all(0 < len(p) <= max_chars for p in parts)


# Lines of every structural shape the cleaner groups: list items, lead-ins, questions and answers, articles,
# chapters, table rows, short labels and lines cut mid-sentence.
shaped_lines = st.tuples(
    st.sampled_from(["", "", "1.", "（二）", "三、", "- ", "• ", "①", "问：", "答：", "Q: ", "第十二条 ", "第二章 "]),
    st.text(alphabet=BODY_HAN, min_size=1, max_size=60),
    st.sampled_from(["", "。", "，", "；", "：", "？", "、"]),
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(shaped_lines, min_size=1, max_size=14), st.lists(st.sampled_from(FURNITURE), max_size=3), st.randoms(use_true_random=False))
def test_grouping_keeps_every_chinese_character_outside_furniture(body: list[str], furniture: list[str], rnd) -> None:  # type: ignore[no-untyped-def]
    assume(all(furniture_kind(line) is None for line in body))
    lines = body + furniture
    rnd.shuffle(lines)
    cleaned = clean_document(Document("d", "d.txt", "\n".join(lines), {"rows": lines[0]}))
    doc = cleaned.document
    kept = [doc.title, *doc.headings, doc.byline or "", *(p.text for p in cleaned.paragraphs)]
    assert Counter(han("".join(kept))) == Counter(han("".join(body)))
    # ...and no paragraph that comes out is a bare fragment, unless it is all the document has.
    if len(cleaned.paragraphs) > 1:
        assert not [p.text for p in cleaned.paragraphs if is_fragment(p.text)]


parts_lists = st.lists(st.tuples(st.text(alphabet=BODY_HAN + PUNCT + " ", min_size=1, max_size=120), st.integers(0, 20)), min_size=1, max_size=12).map(
    lambda raw: [(text, (parent % k) if k and parent % 3 else None) for k, (text, parent) in enumerate(raw)]
)


@settings(max_examples=300, deadline=None)
@given(parts_lists, st.integers(8, 500), st.sampled_from([None, "第十二条"]))
def test_splitting_a_block_loses_nothing_and_keeps_to_the_limit(parts: list[tuple[str, int | None]], max_chars: int, label: str | None) -> None:
    pieces = split_block(parts, max_chars, label)
    whole = "\n".join(text for text, _ in parts)
    # The bodies are slices of the paragraph: together they are the paragraph (a piece of only whitespace aside).
    assert "".join("".join(p.body for p in pieces).split()) == "".join(whole.split())
    assert all(len(p.text) <= max_chars for p in pieces)
    if len(whole) <= max_chars and whole.strip():
        assert [p.text for p in pieces] == [whole.strip()]
