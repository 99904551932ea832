"""What a line of a document looks like: list markers, FAQ questions and answers, regulation articles and chapters,
and the shapes that are never a heading (a URL, markup, a page number, a bare date, a line cut mid-sentence).

Pure functions of one line of repaired text. They are rules by shape, the same for every site and file; the cleaner
(corpus.clean) and the grouping of units into passages (corpus.structure) are built on them.
"""

from __future__ import annotations

import re

from corpus.pinyin import HAN

_CN_NUM = "一二三四五六七八九十百零〇两"
_CLOSERS = "”’」』\"'）)】]》〉"

# An ordinal marker and its family: items of one family are siblings, another family nests (or closes a nesting).
_ORDINALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", re.compile(rf"^[{_CN_NUM}]{{1,4}}\s*[、.．]")),
    ("（一）", re.compile(rf"^[（(]\s*[{_CN_NUM}]{{1,4}}\s*[)）]")),
    ("1.", re.compile(r"^\d{1,3}\s*[.．、](?![\d.．])")),
    ("（1）", re.compile(r"^[（(]\s*\d{1,3}\s*[)）]")),
    ("1）", re.compile(r"^\d{1,3}\s*[)）]")),
    ("①", re.compile("^[\u2460-\u2473\u2776-\u277f\u2780-\u2793]")),
    ("a.", re.compile(rf"^[a-zA-Z][.)．](?=\s*[{HAN}《“（(])")),
    ("第一步", re.compile(rf"^(?:第\s*[{_CN_NUM}\d]{{1,3}}\s*步|步骤\s*[{_CN_NUM}\d]{{1,3}}|Step\s*\d{{1,2}})\s*[:：.、]?", re.IGNORECASE)),
)
_BULLET = re.compile(r"^([-*+•·●○◆◇■□▪▫►▶✓✔–—])\s*(?=\S)")
# An article's number is set off by a space (第一条　为了…); 第十二条规定的… at a line's start is a reference.
_ARTICLE = re.compile(rf"^第\s*[{_CN_NUM}\d]{{1,6}}\s*条(?:\s|[:：　])")
_CHAPTER = re.compile(rf"^第\s*[{_CN_NUM}\d]{{1,4}}\s*[章节節编編篇部](?:分)?(?:\s|[:：　]|(?=[{HAN}]))")
_QUESTION_MARK = re.compile(r"^(?:问|問|提问|提問|问题|問題|Q)\s*\d{0,3}\s*[:：.．、]", re.IGNORECASE)
_ANSWER_MARK = re.compile(r"^(?:答|回答|答复|答覆|解答|A)\s*\d{0,3}\s*[:：.．、]", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+|^[\w.-]+\.(?:com|cn|net|org|gov|edu|hk|mo|tw)(?:/\S*)?$", re.IGNORECASE)
_MARKUP = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>|<!--|-->|\{\{[<%]|[%>]\}\}|&(?:lt|gt|amp|nbsp);")
_PAGE_NUMBER = re.compile(
    r"^(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*[页頁](?:\s*[,，/]?\s*共\s*\d{1,4}\s*[页頁])?"
    r"|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[ivx]{1,5})$",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(
    r"^[(（]?\s*(?:\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?"
    rf"|[{_CN_NUM}]{{4}}年[{_CN_NUM}]{{1,2}}月(?:[{_CN_NUM}]{{1,3}}日)?)"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*[)）]?$"
)
# A short label and its value on one line: 法定办结时限：20个工作日, 文 号： 穗民规字〔2025〕2号.
_LABEL_VALUE = re.compile(rf"^[{HAN}A-Za-z\s]{{1,12}}[:：]\s*\S")
_OPEN_BRACKETS = "（([【《“「『〈"
_MID_SENTENCE_END = "，,、：:；;" + _OPEN_BRACKETS
_TOC_WORDS = frozenset({"目录", "目錄", "目次", "contents", "tableofcontents"})


def ordinal_family(line: str) -> str | None:
    """The family of the ordinal marker the line starts with (一、 （一） 1. （1） ① a. 第一步), or None."""
    for family, pattern in _ORDINALS:
        if pattern.match(line):
            return family
    return None


def bullet(line: str) -> str | None:
    """The bullet the line starts with (- * • · ●), or None."""
    m = _BULLET.match(line)
    return m.group(1) if m else None


def list_family(line: str) -> str | None:
    """The family of the line's list marker, ordinal or bullet ('bullet -'), or None when it has none."""
    family = ordinal_family(line)
    if family is not None:
        return family
    mark = bullet(line)
    return f"bullet {mark}" if mark else None


def article_label(line: str) -> str | None:
    """The article number a regulation article starts with (第十二条), or None."""
    m = _ARTICLE.match(line)
    return "".join(m.group(0).split()).rstrip(":：") if m else None


def is_section(line: str) -> bool:
    """A section inside a chapter of a regulation: 第一节 …"""
    m = _CHAPTER.match(line)
    return is_chapter(line) and bool(m) and m.group(0).rstrip(" :：　").endswith(("节", "節"))


def is_chapter(line: str) -> bool:
    """A regulation's chapter or section line: 第一章 总则, 第二节　登记 (short, no sentence in it)."""
    return bool(_CHAPTER.match(line)) and len(line) <= 40 and not any(ch in line for ch in "。；;！？")


def is_question(line: str) -> bool:
    """A line that asks: marked 问：/Q: or ending with a question mark."""
    return bool(_QUESTION_MARK.match(line)) or line.rstrip(_CLOSERS).endswith(("？", "?"))


def is_marked_question(line: str) -> bool:
    """A question by its label: 问：… / Q1: …"""
    return bool(_QUESTION_MARK.match(line))


def is_answer(line: str) -> bool:
    """An answer by its label: 答：… / A: …"""
    return bool(_ANSWER_MARK.match(line))


_CELL_BAR = re.compile(r"\s[|｜]\s|^\s*[|｜].*[|｜]\s*$")


def looks_like_row(line: str) -> bool:
    """A table row written as cells between bars (区域 | 年费, | a | b |), as readers without a row list write one."""
    return bool(_CELL_BAR.search(line))


def is_url(line: str) -> bool:
    return bool(_URL.search(line)) and len(_URL.sub("", line).strip()) <= 12


def has_markup(line: str) -> bool:
    """HTML tags, comments, entities or template shortcodes left in the text."""
    return bool(_MARKUP.search(line))


def is_page_number(line: str) -> bool:
    """A printed page number: 12, - 3 -, －1－, 第 2 页, 2/9, Page 4 of 9, iv."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def is_date_only(line: str) -> bool:
    """A line that is only a date (2025年5月30日, 2022 年 6 月27 日, 二〇二二年十二月), as under a signature."""
    return bool(_DATE_ONLY.match(line.strip()))


def is_label_value(line: str) -> bool:
    """A short label and its value on one line (办结时限：20个工作日), not a sentence cut at its colon."""
    return bool(_LABEL_VALUE.match(line)) and not line.rstrip(_CLOSERS).endswith((":", "："))


def is_lead_in(line: str) -> bool:
    """A line that introduces what follows: it ends with a colon (如下：, 包括以下情形：, Requirements:)."""
    return line.rstrip(_CLOSERS + " ").endswith((":", "："))


def ends_mid_sentence(line: str) -> bool:
    """The line stops inside a sentence: it ends with ，、：; or with an opening bracket."""
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in _MID_SENTENCE_END


def is_toc_title(line: str) -> bool:
    """The title of a table of contents: 目录, 目　　录, Contents."""
    return "".join(line.split()).lower() in _TOC_WORDS


_TOC_LEADER = re.compile(r"\s*(?:[.．·…‥。]\s*){4,}\d{1,4}\s*")


def is_toc_entries(line: str) -> bool:
    """A line of table-of-contents entries: short titles, each followed by dot leaders and a page number."""
    if not _TOC_LEADER.search(line):
        return False
    entries = [e for e in _TOC_LEADER.split(line) if e.strip()]
    return all(len(e.strip()) <= 40 for e in entries) and not any(ch in "".join(entries) for ch in "。；;！？")


def compact(line: str) -> str:
    """The line without any whitespace, to compare a table-of-contents entry with the heading it points to."""
    return "".join(line.split())


def heading_refusal(line: str, *, row: bool = False) -> str | None:
    """Why this line can never be a heading, or None when it may be one.

    Never a table row, a list item (bullet), markup, a URL, a page number, a bare date, a question (it opens an FAQ
    pair instead), an article of a regulation, or a line that ends mid-sentence or holds a finished sentence.
    """
    stripped = line.rstrip(_CLOSERS)
    if row or looks_like_row(line):
        return "table row"
    if bullet(line):
        return "list item"
    if has_markup(line):
        return "markup"
    if is_url(line) or _URL.search(line):
        return "url"
    if is_page_number(line):
        return "page number"
    if is_date_only(line):
        return "date"
    if is_question(line):
        return "question"
    if article_label(line):
        return "article"
    if ends_mid_sentence(line):
        return "ends mid-sentence"
    if any(ch in stripped[:-1] for ch in "。；;！!？?") or (stripped and stripped[-1] in "。！!"):
        return "sentence"
    return None
