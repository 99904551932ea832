"""The bundled sample article, exactly as scraped, comes out clean: the facts issue 2 lists."""

from __future__ import annotations

import re

import pytest

from corpus.furniture import furniture_kind
from corpus.pipeline import CorpusResult, build_passages, sample_paths
from tests.corpus.conftest import SAMPLE

# Tone-marked vowels (and the syllabic m/n) the converter wrote: found in the real file, not assumed.
TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
ANNOTATION = re.compile(rf"[(（][a-zü{TONE_MARKED}]*[{TONE_MARKED}][a-zü{TONE_MARKED}]*[)）]")
# The file's body paragraphs, by line number (read off the article: everything else is furniture or metadata).
BODY_LINES = (8, 10, 14, 16, 18, 20, 24, 26, 28, 30, 34, 36, 38, 40, 42, 44, 46, 48)
HEADINGS = ("蓬勃向上的上合新區", "上合策源、臨空支持、膠州托底", "“1567”體系助推三區聯動賦能")


@pytest.fixture(scope="module")
def result() -> CorpusResult:
    return build_passages(sample_paths())


SAMPLE_PATH = sample_paths()[0]


def test_the_sample_is_bundled_inside_the_package() -> None:
    paths = sample_paths()
    assert [p.name for p in paths] == ["shanghe-new-area-2023-06-05.txt"]
    assert paths[0].read_bytes() == SAMPLE.read_bytes()
    assert "corpus" in paths[0].parts and "shared" not in paths[0].parts


def test_the_raw_file_has_439_annotations_and_all_are_removed(result: CorpusResult) -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    assert len(ANNOTATION.findall(raw)) == 439
    assert result.report.pinyin_removed == 439
    document = result.documents[0]
    texts = [p.text for p in result.passages] + [document.title, document.source or "", document.byline or "", *document.headings]
    assert not [t for t in texts if ANNOTATION.search(t)]


def test_real_parentheses_are_kept(result: CorpusResult) -> None:
    joined = "\n".join(p.text for p in result.passages)
    assert "海洋(風電)裝備" in joined
    assert result.documents[0].byline == "大眾日報客戶端記者 白曉 通訊員 劉偉 報道"


def test_title_date_source(result: CorpusResult) -> None:
    (document,) = result.documents
    assert document.title == "提速一體化發展,上合新區有了“新打法”"
    assert document.date == "2023-06-05"
    assert document.datetime == "2023-06-05T17:03"
    assert document.source == "大眾網"
    cite = result.passages[0].cite
    assert (cite.title, cite.date, cite.source) == (document.title, "2023-06-05", "大眾網")


def test_three_headings_recognised_and_attached(result: CorpusResult) -> None:
    assert result.documents[0].headings == HEADINGS
    headings_in_order = list(dict.fromkeys(p.heading for p in result.passages))
    assert headings_in_order == [None, *HEADINGS]
    assert result.report.repairs.quotes_restored == 1  # 1567”體系 lost its opening quote
    by_heading = {h: [p.text[:6] for p in result.passages if p.heading == h] for h in HEADINGS}
    assert by_heading[HEADINGS[0]][0] == "據青島市委常"
    assert by_heading[HEADINGS[1]][0] == "今年8月25"
    assert by_heading[HEADINGS[2]][0] == "上合新區疊加"
    assert not [p for p in result.passages if p.text in HEADINGS or p.text == result.documents[0].title]


def test_no_furniture_or_metadata_line_in_any_passage(result: CorpusResult) -> None:
    assert result.report.furniture_dropped == 5  # breadcrumb, 分享到 twice, 我要爆料 免責聲明, the © footer
    for passage in result.passages:
        assert furniture_kind(passage.text) is None
        for marker in ("正文", "分享到", "免責聲明", "版權所有", "來源:", "記者", "2023-06-05 17:03"):
            assert marker not in passage.text, (marker, passage.text[:30])


def test_each_body_paragraph_is_one_passage(result: CorpusResult) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    raw_lines = [lines[n - 1] for n in BODY_LINES]
    assert len(result.passages) == 18 == result.documents[0].paragraphs
    assert [p.position for p in result.passages] == list(range(18))
    assert [p.cite.path for p in result.passages] == [str(SAMPLE_PATH)] * 18
    assert all(p.parts == 1 for p in result.passages)
    for raw, passage in zip(raw_lines, result.passages, strict=True):
        assert ANNOTATION.sub("", raw) == passage.text  # the passage is the paragraph, annotations out, nothing else


def test_the_damage_that_cannot_be_repaired_is_reported(result: CorpusResult) -> None:
    (spot,) = result.report.unrepaired
    assert spot.line == 48
    assert "解難?!蹦z州" in spot.snippet
    assert "解難?!蹦z州" in result.passages[-1].text  # kept as it is: quoted, not hidden, not guessed


def test_ids_are_stable_and_distinct(result: CorpusResult) -> None:
    again = build_passages(sample_paths())
    assert [p.id for p in again.passages] == [p.id for p in result.passages]
    assert len({p.id for p in result.passages}) == 18
    assert all(p.id.startswith(result.documents[0].id + ":") for p in result.passages)
