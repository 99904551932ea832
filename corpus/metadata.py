"""Read metadata out of article text: dates, the source line, bylines, titles and section headings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum

from corpus.furniture import furniture_kind
from corpus.pinyin import HAN
from corpus.shapes import has_markup, heading_refusal, is_date_only, is_page_number, is_url

_DATE = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：時时点點]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?"
)
_DATELINE_WORDS = re.compile(r"来源|來源|发布|發布|时间|時間|日期|作者|编辑|編輯|稿源|published|updated|date", re.IGNORECASE)
_SOURCE = re.compile(r"(?:来源|來源|稿源|出处|出處|source)\s*[:：]\s*([^\s|｜,，;；]+)", re.IGNORECASE)
_BYLINE_WORDS = r"记者|記者|通讯员|通訊員|报道|報道|报导|報導|编辑|編輯|摄影|攝影|撰稿|撰文|作者|特约|特約"
_BYLINE_PARENS = re.compile(rf"^[(（]([^()（）]*(?:{_BYLINE_WORDS})[^()（）]*)[)）]$")
_BYLINE_PLAIN = re.compile(
    rf"^(?:(?:本报|本報|本台|本臺|本刊|新华社|新華社)?(?:特约记者|特約記者|记者|記者|通讯员|通訊員)\s*[{HAN}·]{{2,4}}"
    r"|作者\s*[:：]|(?:文|撰文|文字|文/图|文/圖)\s*[/／|｜:：]|by\s+[A-Z])"
)
_BYLINE_LABEL = re.compile(r"^作者\s*[:：]\s*")
# What ends a sentence or clause; closing quotes and brackets after it do not count.
_FINAL_PUNCT = "。！？!?；;.…:：,，、"
_CLOSERS = "”’」』\"'）)】]》〉"
_SENTENCE_END = "。！？!?；;…"
_HAS_HAN = re.compile(f"[{HAN}]")

MAX_HEADING_CHARS = 40  # Chinese; a Latin-script heading may be twice as long
MAX_TITLE_CHARS = 100


@dataclass(frozen=True)
class FoundDate:
    """A date read from text: ISO date, and ISO date-time when a time was given."""

    date: str
    datetime: str | None = None


def parse_date(text: str) -> FoundDate | None:
    """The first valid date in `text` (2023-06-05 17:03, 2023年6月5日, 2023/6/5, ISO with time), or None."""
    for m in _DATE.finditer(text):
        year, month, day, hour, minute, second = m.groups()
        try:
            day_value = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if hour is None:
            return FoundDate(day_value.isoformat())
        try:
            moment = dt.datetime(day_value.year, day_value.month, day_value.day, int(hour), int(minute), int(second or 0))
        except ValueError:
            return FoundDate(day_value.isoformat())
        return FoundDate(day_value.isoformat(), moment.isoformat(timespec="seconds" if second else "minutes"))
    return None


def ends_with_punctuation(line: str) -> bool:
    """True when the line ends with sentence or clause punctuation (closing quotes after it ignored)."""
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL_PUNCT


def ends_sentence(line: str) -> bool:
    """True when the line ends a sentence: 。！？; ... possibly followed by closing quotes."""
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and (stripped[-1] in _SENTENCE_END or (stripped[-1] == "." and not stripped[-2:-1].isdigit()))


def _short(line: str, chinese_limit: int) -> bool:
    limit = chinese_limit if _HAS_HAN.search(line) else chinese_limit * 2
    return len(line) <= limit


def looks_like_heading(line: str) -> bool:
    """A short line without final punctuation and without a sentence end inside it (see shapes.heading_refusal)."""
    if not _short(line, MAX_HEADING_CHARS) or ends_with_punctuation(line) or heading_refusal(line) is not None:
        return False
    if any(ch in line for ch in "。！？"):
        return False
    return not (line[0] in "(（" and line[-1] in ")）")  # a parenthesised note, not a heading


def acceptable_title(line: str) -> bool:
    """A title is never a page number, a breadcrumb or other furniture, a URL, markup or a bare date."""
    stripped = line.strip()
    return bool(stripped) and not (
        is_page_number(stripped) or is_url(stripped) or has_markup(stripped) or is_date_only(stripped) or furniture_kind(stripped)
    )


_TITLE_LABEL = re.compile(r"^(?:title|标题|標題|题目|題目|文章标题|文章標題)\s*[:：]\s*(?=\S)", re.IGNORECASE)


def title_text(line: str) -> str:
    """A title line without the label a saved page may put before it: Title: …, 标题：…"""
    return _TITLE_LABEL.sub("", line, count=1)


# A filing label above an attachment's title: 附件1：, 附件二, 附表3, 附录A. It says where the document was filed
# (the attachment of some notice), not what it is about.
_FILING_LABEL = re.compile(r"^(?:附件|附表|附录|附錄|附图|附圖)\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}|[A-Za-z])?\s*[:：]?$")


def is_filing_label(line: str) -> bool:
    """A line that only labels the document as an attachment (附件1：), as attachments carry above their title."""
    return bool(_FILING_LABEL.match(line.strip()))


def looks_like_title(line: str) -> bool:
    """A line that can be an article's title: not long, not a finished sentence, not furniture, a URL or a number."""
    if not _short(line, MAX_TITLE_CHARS) or ends_sentence(line) or line.endswith(("，", ",", "、", ":", "：")):
        return False
    return acceptable_title(line)


class DateRank(IntEnum):
    """How much a dateline is trusted: a labelled publication date over a bare one over a page-generation time."""

    PUBLISHED = 0
    PLAIN = 1
    GENERATED = 2


_PUBLISHED_LABEL = re.compile(
    r"(?:发表|發表|发布|發布|公布|印发|印發|成文|发文|發文|出版|刊发|刊發)(?:时间|時間|日期)|published|posted", re.IGNORECASE
)
_GENERATED_LABEL = re.compile(
    r"页面生成|頁面生成|生成时间|生成時間|更新|修改时间|修改時間|打印|列印|访问|訪問|浏览|瀏覽|updated|modified|generated|printed|accessed",
    re.IGNORECASE,
)


def dateline_rank(line: str) -> DateRank:
    """How far to trust the date of this dateline (call only on a line `dateline` accepts)."""
    if _PUBLISHED_LABEL.search(line):
        return DateRank.PUBLISHED
    return DateRank.GENERATED if _GENERATED_LABEL.search(line) else DateRank.PLAIN


def dateline(line: str) -> FoundDate | None:
    """The date of a dateline (2023-06-05 17:03 來源:大眾網), or None when the line is not one."""
    if len(line) > 80 or ends_sentence(line):
        return None
    m = _DATE.search(line)
    if not m:
        return None
    found = parse_date(line)
    if found and (m.start() <= 8 or _DATELINE_WORDS.search(line)):
        return found
    return None


def source_in(line: str) -> str | None:
    """The publisher named by a 來源:/来源: label in the line, or None."""
    m = _SOURCE.search(line)
    if not m:
        return None
    value = m.group(1).strip(_CLOSERS + "。.,，:：")
    return value or None


def byline(line: str) -> str | None:
    """The byline this line carries, (大眾日報客戶端記者 白曉 ...) or 记者 张三, or None."""
    m = _BYLINE_PARENS.match(line)
    if m:
        return m.group(1).strip()
    if len(line) <= 60 and not ends_sentence(line) and _BYLINE_PLAIN.match(line):
        return _BYLINE_LABEL.sub("", line).strip()
    return None


def restore_opening_quote(heading: str) -> str:
    """Put back an opening quotation mark lost before a closing one: 1567”體系 → “1567”體系."""
    for opening, closing in (("“", "”"), ("「", "」"), ("『", "』")):
        first_close = heading.find(closing)
        if first_close > 0 and opening not in heading[:first_close]:
            return opening + heading
    return heading


_REGULATION_EVENT = re.compile(r"通过|通過|修订|修訂|修正|修改|批准|公布|施行|颁布|頒布")
_AMENDED = re.compile(r"修订|修訂|修正|修改")
_PASSED = re.compile(r"通过|通過")


def regulation_date(note: str) -> FoundDate | None:
    """The date of a regulation from its header note: its latest amendment, else when it was passed.

    A note reads like （2003年6月28日…通过　根据2011年10月29日…《关于修改〈…〉的决定》修正）: each date is
    followed by what happened on it. A date followed by 修订/修正/修改 is an amendment; one followed by 通过 only,
    a passing (a regulation passed again later was revised: the latest counts); 批准/公布/施行 alone do not date it.
    """
    found = [(m, date) for m in _DATE.finditer(note) if (date := parse_date(m.group(0))) is not None]
    amended: list[str] = []
    passed: list[str] = []
    for k, (m, date) in enumerate(found):
        event = note[m.end() : found[k + 1][0].start() if k + 1 < len(found) else len(note)]
        if _AMENDED.search(event):
            amended.append(date.date)
        elif _PASSED.search(event):
            passed.append(date.date)
    best = max(amended or passed, default=None)
    return FoundDate(best) if best else None


def regulation_note(line: str) -> bool:
    """A line of a regulation's header note: a date followed by what happened (通过, 修正, 批准, 施行 ...)."""
    m = _DATE.search(line)
    return bool(m) and bool(_REGULATION_EVENT.search(line, m.end()))
