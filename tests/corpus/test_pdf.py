"""The PDF reader: real PDFs made at test time (a square-glyph CJK font, fpdf2's Helvetica), and the pure layout
rules on hand-built lines: joining, running headers, footers and page numbers, tables, footnotes, title and date."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corpus.pipeline import build_passages
from corpus.readers.pdf import read_pdf
from corpus.readers.pdf_furniture import PageLines, page_number_value, strip_furniture
from corpus.readers.pdf_glyphs import Glyph
from corpus.readers.pdf_layout import Block, arrange, is_fragment, join_lines, table_rows
from corpus.readers.pdf_lines import Line, Segment, build_line, page_lines
from corpus.readers.pdf_title import choose_title, date_of_line, real_metadata_title
from tests.corpus.pdfmaker import Page, write_cjk_pdf, wrap

PAGE_W, PAGE_H = 595.0, 842.0


def line(text: str, x0: float, top: float, size: float = 10.0, font: str = "Song", bold: bool = False) -> Line:
    """A printed line of full-width characters, one em each."""
    x1 = x0 + len(text) * size
    return Line(text, x0, x1, top, top + size, size, font, bold, (Segment(text, x0, x1),))


def cells(texts: list[str], xs: list[float], top: float, size: float = 10.0) -> Line:
    """A table row: each text starts at its x."""
    segments = tuple(Segment(t, x, x + len(t) * size) for t, x in zip(texts, xs, strict=True))
    return Line(" ".join(texts), segments[0].x0, segments[-1].x1, top, top + size, size, "Song", False, segments)


# --- real PDFs -----------------------------------------------------------------------------------------------------

FIRST = "市民可以在网上申请停车证，每户最多申请两张，每张有效期一年，到期前一个月可以续办。"
BROKEN = "申请人及其家属应当在医院出具的核酸检测结果后2小时内提交材料，逾期不予受理，请提前做好准备。"  # 22 characters, then 2小时
LAST = "停车证遗失的，应当及时登记挂失并申请补办。"


def test_a_two_page_chinese_pdf_with_a_running_header_and_page_numbers(tmp_path: Path) -> None:
    before, after = BROKEN.split("2小时")
    page1 = Page([("停车证办理指南", 24, 0)] + [(t, 16, i) for t, i in wrap(FIRST, 24)])
    page1.lines += [("一、申请条件", 20, 0)] + [(t, 16, i) for t, i in wrap(before, 24)]
    page2 = Page([(t, 16, 0) for t, _ in wrap("2小时" + after, 24, indent=0)] + [(t, 16, i) for t, i in wrap(LAST, 24)])
    pdf = write_cjk_pdf(tmp_path / "permits.pdf", [page1, page2], header="城市服务指南", page_number="{n}")

    extracted = read_pdf(pdf.read_bytes())
    assert extracted.text.split("\n") == ["停车证办理指南", FIRST, "一、申请条件", BROKEN, LAST]
    assert extracted.metadata["title"] == "停车证办理指南"
    assert extracted.metadata["headings"] == "一、申请条件"
    assert (extracted.extractor, extracted.dropped) == ("pypdfium2", {"page number": 2, "running header": 2})

    result = build_passages([pdf])
    (document,) = result.documents
    assert document.title == "停车证办理指南" and document.headings == ("一、申请条件",)
    assert [(p.heading, p.text) for p in result.passages] == [(None, FIRST), ("一、申请条件", BROKEN), ("一、申请条件", LAST)]
    (report,) = result.report.files
    assert report.extractor == "pypdfium2" and report.dropped == {"page number": 2, "running header": 2}


def test_decorated_page_numbers_and_an_issuing_date(tmp_path: Path) -> None:
    notice = "各区人民政府：现将停车证办理办法印发给你们，请认真贯彻执行。"
    page1 = Page([("关于印发停车证办理办法的通知", 22, 0)] + [(t, 16, i) for t, i in wrap(notice, 24)] + [("2024年3月5日", 16, 14)])
    page2 = Page([(t, 16, i) for t, i in wrap(FIRST, 24)])
    pdf = write_cjk_pdf(tmp_path / "notice.pdf", [page1, page2], page_number="－{n}－", title="1")

    extracted = read_pdf(pdf.read_bytes())
    assert extracted.metadata["title"] == "关于印发停车证办理办法的通知"  # the metadata's "1" is not a title
    assert extracted.metadata["date"] == "2024-03-05"
    assert "－" not in extracted.text and extracted.dropped == {"page number": 2}


def test_an_english_pdf_joins_lines_with_spaces(tmp_path: Path) -> None:
    from fpdf import FPDF

    class Guide(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=9)
            self.cell(0, 10, "City of Example - Residents' Guide", new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=9)
            self.cell(0, 10, f"Page {self.page_no()} of 2", align="C")

    paragraphs = [
        "Residents may apply for a parking permit online. " * 6 + "Each household may hold two permits at most.",
        "Permits are valid for one year and can be renewed during the month before they expire. " * 8,
    ]
    pdf = Guide()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", size=20)
    pdf.cell(0, 14, "Parking Permits", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    pdf.ln(30 * 8)  # push the second paragraph across the page break
    for text in paragraphs:
        pdf.multi_cell(0, 7, text.strip(), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(tmp_path / "guide.pdf"))

    extracted = read_pdf((tmp_path / "guide.pdf").read_bytes())
    assert extracted.metadata["title"] == "Parking Permits"
    assert extracted.text.split("\n")[1:] == [p.strip() for p in paragraphs]
    assert extracted.dropped == {"page number": 2, "running header": 2}


# --- the pure rules --------------------------------------------------------------------------------------------------


def test_joining_printed_lines() -> None:
    assert join_lines("市民可以在网上", "申请停车证。") == "市民可以在网上申请停车证。"
    assert join_lines("检测结果后", "2小时内") == "检测结果后2小时内"
    assert join_lines("Residents may", "apply online.") == "Residents may apply online."
    assert join_lines("a well-known inter-", "national rule") == "a well-known international rule"
    assert join_lines("共7天，", "COVID-19") == "共7天，COVID-19"


def test_page_number_shapes() -> None:
    assert page_number_value("－1－") == (1, True)
    assert page_number_value("- 12 -") == (12, True)
    assert page_number_value("第 3 页") == (3, True)
    assert page_number_value("第3页 共9页") == (3, True)
    assert page_number_value("2/9") == (2, True)
    assert page_number_value("Page 2 of 9") == (2, True)
    assert page_number_value("7") == (7, False)
    assert page_number_value("xiv") == (-14, False)
    assert page_number_value("7天") == (None, False)
    assert page_number_value("42小时") == (None, False)


def test_a_browser_printout_loses_its_timestamp_address_and_page_count() -> None:
    pages = []
    for n in range(3):
        stamp = cells(["2023/5/11 15:21", "广州市人民政府门户网站"], [30, 300], 20, size=8)
        address = cells(["https://www.gz.gov.cn/zwgk/content/post_1234.html", f"{n + 1}/3"], [30, 520], 810, size=8)
        body = [line(f"第{'一二三'[n]}条 正文内容在这一页上。", 72, 100 + 20 * k) for k in range(3)]
        pages.append(PageLines(n, PAGE_W, PAGE_H, (stamp, *body, address)))
    kept, dropped = strip_furniture(pages)
    assert all(len(page.lines) == 3 for page in kept)
    assert dropped == {"running header": 6, "page number": 3, "running footer": 3}


def test_a_number_inside_the_text_is_not_a_page_number() -> None:
    pages = [PageLines(n, PAGE_W, PAGE_H, tuple(line(f"全年新增就业人员{'一二三四五六'[n * 3 + k]}万", 72, 100 + 20 * k) for k in range(3)) + (line("42", 72, 160),)) for n in range(2)]
    kept, dropped = strip_furniture(pages)  # 42 on both pages: it does not count the pages
    assert [len(p.lines) for p in kept] == [4, 4] and not dropped


def test_superscripts_and_spaces_from_glyph_boxes() -> None:
    def glyph(char: str, x0: float, size: float = 10.0, raise_by: float = 0.0) -> Glyph:
        top = 100 - raise_by
        return Glyph(char, x0, x0 + size * (1 if ord(char) > 0x2000 else 0.5), top, top + size, size)

    row = [glyph("人", 0), glyph("口", 10), glyph("1", 21, size=5, raise_by=6), glyph("为", 24), glyph("8", 34), glyph("万", 39)]
    assert build_line(row).text == "人口¹为8万"  # the autospace between 为 and 8 is not a space
    words = [glyph("a", 0), glyph("b", 5), glyph("c", 14), glyph("d", 19)]
    assert build_line(words).text == "ab cd"
    two_lines = [glyph("上", 0), glyph("下", 0, raise_by=-14)]
    assert [line.text for line in page_lines(two_lines)] == ["上", "下"]


def test_footnote_markers_leave_the_text_and_the_note_follows_the_paragraph() -> None:
    body = [line("常住人口¹为一千万人，其中女性", 72, 100), line("占四成。", 72, 116)]
    notes = [line("¹ 注：不含临时居住人口。", 72, 700, size=7)]
    page2 = [line("第二段正文在这里开始。", 92, 100)]
    layout = arrange([PageLines(0, PAGE_W, PAGE_H, (*body, *notes)), PageLines(1, PAGE_W, PAGE_H, tuple(page2))])
    assert [(b.kind, b.text) for b in layout.blocks] == [
        ("paragraph", "常住人口为一千万人，其中女性占四成。"),
        ("footnote", "注：不含临时居住人口。"),
        ("paragraph", "第二段正文在这里开始。"),
    ]
    assert layout.dropped == {"footnote marker": 1}


def test_a_table_becomes_rows_of_header_value_pairs() -> None:
    rows = [
        cells(["户籍人口", "男性"], [180, 280], 100),
        cells(["（万人）", "（万人）"], [180, 280], 114),
        cells(["福田区", "124.88", "60.48"], [100, 182, 282], 140),
        cells(["罗湖区", "73.40", "35.61"], [100, 184, 284], 160),
    ]
    assert table_rows(rows) == ["福田区; 户籍人口（万人）: 124.88; 男性（万人）: 60.48", "罗湖区; 户籍人口（万人）: 73.40; 男性（万人）: 35.61"]
    layout = arrange([PageLines(0, PAGE_W, PAGE_H, (line("各区人口如下：", 72, 60), *rows))])
    assert [b.kind for b in layout.blocks] == ["paragraph", "row", "row"]


def test_title_is_the_largest_type_not_the_letterhead() -> None:
    blocks = [
        Block("heading", "国家卫生健康委员会", 0, 30),
        Block("heading", "关于做好停车证办理工作的通知", 0, 22),
        Block("paragraph", "各区：现将有关事项通知如下。", 0, 16),
    ]
    assert choose_title(blocks, 16, "").title == "关于做好停车证办理工作的通知"  # type: ignore[union-attr]
    assert choose_title(blocks[2:], 16, "停车证办理指南").title == "停车证办理指南"  # type: ignore[union-attr]
    assert choose_title(blocks[2:], 16, "Microsoft Word - 通知.docx") is None
    assert not real_metadata_title("1") and not real_metadata_title("untitled") and real_metadata_title("停车证办理指南")


def test_issuing_date_lines() -> None:
    assert date_of_line("2022 年 6 月 27 日") == "2022-06-27"
    assert date_of_line("二〇二二年六月二十七日") == "2022-06-27"
    assert date_of_line("二〇二二年十二月") is None  # a month is not a date
    assert date_of_line("于2022年6月27日印发") is None


# --- property: joining loses nothing but the furniture -------------------------------------------------------------

TEXT = "市民可以网上申请停车证每户最多两张有效期一年到期前续办遗失应当登记补办abcdefgh，。、；：（）“”"
paragraph_texts = st.lists(st.text(alphabet=TEXT + "  ", min_size=1, max_size=70).map(str.strip).filter(bool), min_size=1, max_size=12)


def _lay_out(paragraphs: list[str], per_page: int, width: int) -> list[PageLines]:
    """Paragraphs printed 10 pt, `width` characters a line, first lines indented, with a header and page numbers."""
    printed = [(t, 20 * i) for p in paragraphs for t, i in ((t, i // 2) for t, i in wrap(p, width))]
    pages = []
    for n, start in enumerate(range(0, len(printed), per_page)):
        body = [line(t, 72 + indent, 80 + 16 * k) for k, (t, indent) in enumerate(printed[start : start + per_page])]
        pages.append(PageLines(n, PAGE_W, PAGE_H, (line("停车证办理指南", 72, 40, size=8), *body, line(f"－{n + 1}－", 280, 800, size=8))))
    return pages


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(paragraph_texts, st.integers(min_value=2, max_value=9), st.integers(min_value=6, max_value=30))
def test_rejoining_loses_no_character_but_the_furniture(paragraphs: list[str], per_page: int, width: int) -> None:
    pages = _lay_out(paragraphs, per_page, width)
    assume(len(pages) >= 2)  # a header printed once is not a running one
    # Body text that recurs at the pages' edges is running furniture by rule: such draws are not this property's.
    edge_texts = [page.lines[i].text for page in pages for i in range(len(page.lines)) if i in (1, 2, len(page.lines) - 2, len(page.lines) - 3)]
    assume(len(edge_texts) == len(set(edge_texts)))
    kept, dropped = strip_furniture(pages)
    layout = arrange(kept)

    def chars(texts: list[str]) -> Counter[str]:
        return Counter(ch for text in texts for ch in text if not ch.isspace())

    assert chars([b.text for b in layout.blocks]) == chars(paragraphs)
    assert dropped == {"running header": len(pages), "page number": len(pages)}
    # Rejoining makes no fragment of its own; a paragraph drawn as one (a lone "（一）") can only stay one.
    drawn_fragments = sum(is_fragment(p) for p in paragraphs)
    assert sum(is_fragment(b.text) for b in layout.blocks if b.kind == "paragraph") <= drawn_fragments or len(layout.blocks) == 1
