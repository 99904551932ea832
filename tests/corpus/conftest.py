"""Builders of real documents (Word, PDF, web pages) and the DRCD paragraphs the damage tests start from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "shanghe-new-area-2023-06-05.txt"

ENGLISH_PARAGRAPHS = (
    "Residents must separate glass, paper and plastic waste before collection day. Collection trucks come every "
    "Tuesday morning in the northern districts and every Thursday in the south.",
    "Bulky items such as sofas need an appointment. Call the service line at least three days in advance; the "
    "pickup is free twice a year.",
)

NEWS_HTML = """<!DOCTYPE html><html><head><meta charset="{charset}">
<title>老旧小区加装电梯补贴标准公布_青岛新闻网</title>
<meta property="og:title" content="老旧小区加装电梯补贴标准公布">
<meta property="og:site_name" content="青岛新闻网">
<meta property="article:published_time" content="2023-07-14T09:30:00+08:00">
<link rel="canonical" href="https://news.example.cn/2023/0714/elevator.html">
</head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/city">城市</a> &gt; 正文</div>
<div class="share">分享到: 微信 微博 QQ空间</div>
<article>
<h1>老旧小区加装电梯补贴标准公布</h1>
<p>7月14日，市住房和城乡建设局公布了老旧小区既有住宅加装电梯的补贴标准，每部电梯最高补贴20万元。</p>
<h2>哪些小区可以申请</h2>
<p>2000年以前建成、未列入拆迁计划的四层及以上住宅，经本单元三分之二以上业主同意，即可提出申请。</p>
<p>申请材料包括业主意见书、设计方案和施工合同，由街道办事处受理后报区住建部门审核。</p>
<h2>补贴怎么发放</h2>
<p>电梯竣工验收合格并投入使用后，补贴资金一次性拨付到业主指定的账户，办理时限为二十个工作日。</p>
</article>
<div class="footer">© 2023 青岛新闻网 版权所有 鲁ICP备09012345号</div>
</body></html>
"""


def write_docx(path: Path, title: str, sections: list[tuple[str, list[str]]]) -> Path:
    """A real Word file: a Title paragraph, then for each section a Heading 1 and its paragraphs."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for heading, paragraphs in sections:
        document.add_heading(heading, level=1)
        for text in paragraphs:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def write_pdf(path: Path, title: str, paragraphs: tuple[str, ...] | list[str]) -> Path:
    """A real PDF with a text layer (core Helvetica font, so English text)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_title(title)
    pdf.set_font("Helvetica", size=16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    for text in paragraphs:
        pdf.ln(4)
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF with pages and no text layer, as a scanner without OCR makes."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.fixture(scope="session")
def drcd_paragraphs(shared_eval: Path) -> list[str]:
    """The 1,000 real (traditional Chinese) paragraphs of DRCD dev."""
    data = json.loads((shared_eval / "drcd_dev.json").read_text(encoding="utf-8"))
    return [p["context"] for article in data["data"] for p in article["paragraphs"]]
