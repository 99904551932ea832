"""The Word reader on real .docx files written here with python-docx, some of them then damaged the way WPS does."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from corpus.pipeline import build_passages
from corpus.readers import read_docx
from corpus.readers.docx_numbering import format_number


def _png() -> bytes:
    """A real 1x1 PNG, for python-docx to embed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def _saved(document) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _edited(data: bytes, edits: dict[str, bytes | None]) -> bytes:
    """The package with some parts replaced (bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in edits:
                if edits[info.filename] is not None:
                    dst.writestr(info.filename, edits[info.filename])
                continue
            dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def _positions_table(document) -> None:  # type: ignore[no-untyped-def]
    """A table with a two-level header: 序号 and 备注 merged down, 资格条件 merged across 专业 and 学历."""
    table = document.add_table(rows=4, cols=4)
    number = table.cell(0, 0).merge(table.cell(1, 0))
    number.text = "序号"
    conditions = table.cell(0, 1).merge(table.cell(0, 2))
    conditions.text = "资格条件"
    remark = table.cell(0, 3).merge(table.cell(1, 3))
    remark.text = "备注"
    table.cell(1, 1).text = "专业"
    table.cell(1, 2).text = "学历"
    for r, values in enumerate([("1", "法学类", "大学本科", "加试公文写作"), ("2", "中文类", "研究生", "")], start=2):
        for c, value in enumerate(values):
            table.cell(r, c).text = value


def _wps_like(tmp_path: Path) -> Path:
    """A Word file with a heading, a table and an image whose relationship then points at ../NULL, as WPS writes."""
    import docx

    document = docx.Document()
    document.add_heading("遴选职位", level=1)
    document.add_paragraph("本次遴选的职位如下。")
    image = tmp_path / "logo.png"
    image.write_bytes(_png())
    document.add_picture(str(image))
    _positions_table(document)
    document.add_paragraph("报名时间为三月一日至三月十日。")
    data = _saved(document)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert media and "media/image1.png" in rels
    broken = _edited(data, {"word/_rels/document.xml.rels": rels.replace("media/image1.png", "../NULL").encode("utf-8"), media[0]: None})
    path = tmp_path / "positions.docx"
    path.write_bytes(broken)
    return path


def test_python_docx_alone_fails_on_a_dangling_relationship(tmp_path: Path) -> None:
    """The damage the reader works around is real: python-docx by itself refuses the file."""
    import docx

    with pytest.raises(KeyError, match="NULL"):
        docx.Document(str(_wps_like(tmp_path)))


def test_dangling_image_relationship_is_reported_not_fatal(tmp_path: Path) -> None:
    path = _wps_like(tmp_path)
    result = build_passages([path])
    assert not result.report.skipped
    (warning,) = result.report.warnings
    assert "broken link to a image (../NULL, missing) left out" in warning.reason
    (file_report,) = result.report.files
    assert file_report.extractor == "python-docx"
    texts = [p.text for p in result.passages]
    assert "本次遴选的职位如下。" in texts and "报名时间为三月一日至三月十日。" in texts


ROWS = [
    "序号: 1; 资格条件/专业: 法学类; 资格条件/学历: 大学本科; 备注: 加试公文写作",
    "序号: 2; 资格条件/专业: 中文类; 资格条件/学历: 研究生",
]


def test_table_rows_are_header_value_lines_listed_in_metadata(tmp_path: Path) -> None:
    extracted = read_docx(_wps_like(tmp_path).read_bytes())
    assert extracted.metadata["rows"].split("\n") == ROWS
    assert extracted.metadata["headings"] == "遴选职位"
    # Each row stands alone between blank lines, so that no line-joining can run two rows together.
    assert extracted.text.split("\n\n") == ["遴选职位", "本次遴选的职位如下。", *ROWS, "报名时间为三月一日至三月十日。"]


def test_table_rows_are_never_headings_in_passages(tmp_path: Path) -> None:
    result = build_passages([_wps_like(tmp_path)])
    # each row whole inside one passage (short rows may share one, as short paragraphs do), never a heading
    assert all(any(row in p.text.split("\n") for p in result.passages) for row in ROWS)
    assert not {p.heading for p in result.passages} & set(ROWS)
    assert not set(result.documents[0].headings) & set(ROWS)


def test_table_repeating_its_header_and_a_caption_row(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=5, cols=3)
    caption = table.cell(0, 0).merge(table.cell(0, 2))
    caption.text = "2016年职位表"
    for r, values in enumerate([("序号", "部门", "人数"), ("1", "市财政局", "2"), ("序号", "部门", "人数"), ("2", "市审计局", "1")], start=1):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    extracted = read_docx(_saved(document))
    assert extracted.text.split("\n\n") == ["2016年职位表", "序号: 1; 部门: 市财政局; 人数: 2", "序号: 2; 部门: 市审计局; 人数: 1"]
    assert extracted.dropped == {"repeated table header": 1}
    assert "2016年职位表" not in extracted.metadata["rows"]


def test_two_column_table_with_a_bold_header_row(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("区域", "年费"), ("市南区", "三百元"), ("市北区", "二百元")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    assert read_docx(_saved(document)).metadata["rows"] == "区域: 市南区; 年费: 三百元\n区域: 市北区; 年费: 二百元"


def test_word_list_numbering_is_written_as_text() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("申请人应当提交以下材料：")
    document.add_paragraph("身份证明；", style="List Number")
    document.add_paragraph("户口簿。", style="List Number")
    document.add_paragraph("注意事项", style="List Bullet")
    assert read_docx(_saved(document)).text.split("\n\n") == ["申请人应当提交以下材料：", "1.身份证明；", "2.户口簿。", "• 注意事项"]


def test_chinese_list_numbering_with_two_levels() -> None:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {ns} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        "</w:abstractNum>"
    ))
    numbering.append(parse_xml(f'<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, level in [("申请条件", 0), ("年满十八周岁；", 1), ("在本市居住。", 1), ("办理流程", 0), ("网上申请。", 1)]:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {ns}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    lines = read_docx(_saved(document)).text.split("\n\n")
    assert lines == ["一、申请条件", "（一）年满十八周岁；", "（二）在本市居住。", "二、办理流程", "（一）网上申请。"]


@pytest.mark.parametrize(
    ("n", "fmt", "text"),
    [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCountingThousand", "十一"), (21, "chineseCounting", "二十一"),
     (105, "chineseCounting", "一百零五"), (3, "chineseLegalSimplified", "叁"), (4, "upperRoman", "IV"), (28, "lowerLetter", "bb"),
     (3, "decimalEnclosedCircle", "③"), (2, "ideographTraditional", "乙"), (7, "decimalZero", "07"), (12, "decimalFullWidth", "１２"),
     (5, "someFormatNotKnown", "5")],
)
def test_number_formats(n: int, fmt: str, text: str) -> None:
    assert format_number(n, fmt) == text


def test_title_is_the_prominent_top_line_and_a_label_above_it_goes() -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    for text, size, centered in [("附件2", 16, False), ("江西省人民政府外事办公室", 22, True), ("2022年招考外语类公务员考试大纲", 22, True),
                                 ("一、考试目的", 16, False), ("考察报考者的外语专业知识和语言应用能力。", 16, False)]:
        paragraph = document.add_paragraph()
        paragraph.add_run(text).font.size = Pt(size)
        if centered:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    extracted = read_docx(_saved(document))
    assert extracted.metadata["title"] == "江西省人民政府外事办公室2022年招考外语类公务员考试大纲"
    assert extracted.text.split("\n")[0] == extracted.metadata["title"]
    assert "附件2" not in extracted.text and extracted.dropped == {"label above the title": 1}


def test_text_in_content_controls_insertions_and_text_boxes_is_read() -> None:
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    body = document.element.body
    body.insert(0, parse_xml(f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>控件里的段落。</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    body.insert(1, parse_xml(f'<w:p {w}><w:r><w:t>办理时限为</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>五个</w:t></w:r></w:ins>'
                             '<w:del w:id="2" w:author="a"><w:r><w:delText>十个</w:delText></w:r></w:del><w:r><w:t>工作日。</w:t></w:r></w:p>'))
    body.insert(2, parse_xml(f'<w:p {w}><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r><w:r><w:t>可见文字。</w:t></w:r></w:p>'))
    assert read_docx(_saved(document)).text.split("\n") == ["控件里的段落。", "办理时限为五个工作日。", "可见文字。"]


def test_package_python_docx_cannot_open_is_read_from_document_xml() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("停车证每年收费三百元。")
    damaged = _edited(_saved(document), {"word/styles.xml": b"<w:styles this is not xml"})
    extracted = read_docx(damaged)
    assert extracted.text == "停车证每年收费三百元。"
    assert extracted.extractor == "docx xml" and "python-docx could not open the package" in extracted.notes[0]


def test_word_table_of_contents_styles_are_left_out() -> None:
    import docx

    document = docx.Document()
    styles = document.styles
    from docx.enum.style import WD_STYLE_TYPE

    toc = styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("第一章 总则 1", style=toc)
    document.add_paragraph("第二章 申领 3", style=toc)
    document.add_heading("第一章 总则", level=1)
    document.add_paragraph("第一条 为了证明公民身份，制定本法。")
    extracted = read_docx(_saved(document))
    assert extracted.text.split("\n\n") == ["第一章 总则", "第一条 为了证明公民身份，制定本法。"]
    assert extracted.dropped == {"table of contents": 2}


def test_real_wps_file_is_read(shared_eval: Path) -> None:
    path = shared_eval / "real_dev" / "docs" / "cn_civil_service_exam_outline_2022.docx"
    if not path.exists():
        pytest.skip(f"{path.name} not in the shared real_dev set")
    extracted = read_docx(path.read_bytes())
    assert extracted.metadata["title"] == "中央机关及其直属机构2022年度考试录用公务员公共科目笔试考试大纲"
    assert any("../NULL" in note for note in extracted.notes)
    assert "公共科目笔试全部采用闭卷考试的方式。" in extracted.text
