"""Long paragraphs are cut at sentence ends; republished passages merge; ids are stable and distinct."""

from __future__ import annotations

from pathlib import Path

from corpus.load import document_id
from corpus.pipeline import build_passages
from corpus.split import DEFAULT_MAX_CHARS, split_paragraph
from tests.corpus.conftest import SAMPLE


def test_short_paragraph_is_one_piece() -> None:
    assert split_paragraph("今年完成了。") == ["今年完成了。"]
    assert split_paragraph("") == []


def test_cut_at_sentence_ends_with_closing_quotes() -> None:
    text = "他說:“今年完成。”明年繼續!還要擴大嗎?會的;一定。"
    # Sentences are packed greedily: as many as fit in 10 characters.
    assert split_paragraph(text, 10) == ["他說:“今年完成。”", "明年繼續!", "還要擴大嗎?會的;", "一定。"]
    assert split_paragraph(text, 11) == ["他說:“今年完成。”", "明年繼續!還要擴大嗎?", "會的;一定。"]


def test_english_sentences_and_decimals() -> None:
    text = "Version 3.0 is out. It is faster. Upgrade today!"
    assert split_paragraph(text, 25) == ["Version 3.0 is out. ", "It is faster. ", "Upgrade today!"]


def test_a_sentence_longer_than_the_limit_is_cut_at_clauses_then_hard() -> None:
    text = "一二三四五,六七八九十,甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥。"
    pieces = split_paragraph(text, 12)
    assert "".join(pieces) == text and all(len(p) <= 12 for p in pieces)
    assert pieces[0] == "一二三四五,六七八九十,"


def test_long_paragraph_becomes_parts_of_one_position(tmp_path: Path) -> None:
    sentence = "上合示范區發布促進金融業健康發展政策措施和獎補政策,首創上合貿易指數等制度創新成果。"
    (tmp_path / "long.txt").write_text("標題\n\n" + sentence * 12 + "\n\n第二段說的是另一件事。\n", encoding="utf-8")
    result = build_passages([tmp_path])
    first = [p for p in result.passages if p.position == 0]
    assert len(first) > 1 and all(p.parts == len(first) for p in first)
    assert [p.part for p in first] == list(range(len(first)))
    assert "".join(p.text for p in first) == sentence * 12
    assert all(len(p.text) <= DEFAULT_MAX_CHARS for p in first)
    assert len({p.id for p in result.passages}) == len(result.passages)
    assert result.passages[-1].position == 1


def test_republished_article_is_merged_keeping_every_source(tmp_path: Path) -> None:
    (tmp_path / "dzwww").mkdir()
    (tmp_path / "qingdaonews").mkdir()
    (tmp_path / "dzwww" / "article.txt").write_bytes(SAMPLE.read_bytes())
    republished = SAMPLE.read_text(encoding="utf-8").replace("來源:大眾網(wǎng)", "來源:青島新聞網")
    (tmp_path / "qingdaonews" / "article.txt").write_text(republished, encoding="utf-8")
    result = build_passages([tmp_path])
    assert len(result.documents) == 2 and len(result.passages) == 18
    assert result.report.duplicates_merged == 18
    for passage in result.passages:
        assert passage.cite.source == "大眾網"
        (other,) = passage.also_cited
        assert other.source == "青島新聞網" and other.doc_id != passage.doc_id


def test_document_ids_distinct_for_the_same_name_in_two_folders(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "notice.txt").write_text(f"通知\n\n{name}區明天停水。\n", encoding="utf-8")
    result = build_passages([tmp_path / "a", tmp_path / "b"])
    ids = [d.id for d in result.documents]
    assert len(set(ids)) == 2
    assert build_passages([tmp_path / "a", tmp_path / "b"]).documents[1].id == ids[1]  # stable across runs


def test_document_id_is_readable_and_stable() -> None:
    assert document_id("news/2023/上合新區.txt") == document_id("news/2023/上合新區.txt")
    assert document_id("news/2023/上合新區.txt").startswith("news--2023--上合新區-")
    assert document_id("a.txt") != document_id("a.md")
