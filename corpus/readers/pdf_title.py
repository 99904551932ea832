"""A PDF's title and issuing date, from its metadata and from what its first pages print.

Title: the first page's most prominent text (the largest type, its lines joined), unless that is the sending
organisation's letterhead (国家卫生健康委员会文件) printed above a title in smaller but still large type. The
document-information title is used when it is a real one: it is not a file name, a placeholder or a lone word, and it
is what the page prints (or the page prints nothing larger than its body text). A page number never becomes the
title: the furniture step has removed those before this one runs.

Date: the issuing date a document prints on a line of its own (2022年6月27日, 二〇二二年六月二十七日) on its first
pages, as a notice's signature block does. A month without a day (二〇二二年十二月, a report's cover) is not a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from corpus.pinyin import HAN
from corpus.readers.pdf_layout import Block

_DATE_PAGES = 2  # the issuing date is looked for on this many first pages
_PROMINENT = 1.12  # of the body size: type at least this large stands out
_SPACES = re.compile(r"\s+")
_HAS_TEXT = re.compile(rf"[{HAN}A-Za-z]")
_JUNK_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)\s*-.*|untitled.*|无标题.*|無標題.*|document\d*|文档\d*|新建.*文档.*|.*\.(?:docx?|wps|pdf|xlsx?|pptx?|txt|html?))$",
    re.IGNORECASE,
)
_LETTERHEAD = re.compile(r"(?:委员会|委員會|人民政府|政府|办公厅|辦公廳|办公室|辦公室|局|厅|廳|部|委|院|署|中心|协会|協會|联合会|聯合會)(?:文件)?$|文件$")
_DOC_NUMBER = re.compile(r"〔\d{4}〕|\[\d{4}\]|[(（]\d{4}[)）]\s*\d+\s*号$|\d+\s*号$")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,4}|[〇○零一二三四五六七八九十]{1,4})"
_DATE_LINE = re.compile(rf"^({_NUM})\s*年\s*({_NUM})\s*月\s*({_NUM})\s*日$")


@dataclass(frozen=True)
class TitleChoice:
    """The title chosen, and the block that prints it (None when it came from the metadata alone)."""

    title: str
    block: int | None


def fold(text: str) -> str:
    """Text compared without its spaces."""
    return _SPACES.sub("", text)


def real_metadata_title(title: str) -> bool:
    """A document-information title worth using: not a file name, placeholder, number or lone character."""
    title = title.strip()
    return len(fold(title)) >= 4 and bool(_HAS_TEXT.search(title)) and not _JUNK_TITLE.match(title)


def _candidate(block: Block, body_size: float) -> bool:
    text = fold(block.text)
    return (
        block.kind in ("heading", "paragraph")
        and block.size >= _PROMINENT * body_size
        and bool(_HAS_TEXT.search(text))
        and len(text) <= 100
        and not _DATE_LINE.match(text)
        and not _DOC_NUMBER.search(text)
    )


def choose_title(blocks: tuple[Block, ...] | list[Block], body_size: float, metadata_title: str) -> TitleChoice | None:
    """The document's title (see the module's docstring for the rule)."""
    first_page = min((b.page for b in blocks), default=0)
    candidates = [i for i, b in enumerate(blocks) if b.page == first_page and _candidate(b, body_size)]
    prominent: int | None = None
    if candidates:
        ranked = sorted(candidates, key=lambda i: (-round(blocks[i].size, 1), i))
        prominent = ranked[0]
        if len(ranked) > 1 and _LETTERHEAD.search(fold(blocks[prominent].text)):
            prominent = ranked[1]  # the letterhead of the office that sends the document; the title is below it
    meta = metadata_title.strip() if real_metadata_title(metadata_title) else ""
    if prominent is None:
        return TitleChoice(meta, None) if meta else None
    printed = blocks[prominent].text
    if meta and fold(printed) != fold(meta) and fold(printed) in fold(meta):
        return TitleChoice(meta, prominent)  # the page prints part of it (a title broken over two sizes of type)
    return TitleChoice(printed, prominent)


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in _CN_DIGITS for ch in text):  # 二〇二二
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    if "十" in text:  # 十, 十二, 二十, 二十七
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, -1) if len(text) == 1 else -1


def date_of_line(text: str) -> str | None:
    """The ISO date of a line that is nothing but a full date (2022年6月27日, 二〇二二年六月二十七日), else None."""
    m = _DATE_LINE.match(fold(text))
    if not m:
        return None
    try:
        return dt.date(*(_number(g) for g in m.groups())).isoformat()
    except ValueError:
        return None


def issuing_date(blocks: tuple[Block, ...] | list[Block]) -> str | None:
    """The first date printed on a line of its own on the document's first pages."""
    if not blocks:
        return None
    first_page = min(b.page for b in blocks)
    for block in blocks:
        if block.page >= first_page + _DATE_PAGES:
            break
        if block.kind in ("paragraph", "heading") and (found := date_of_line(block.text)):
            return found
    return None
