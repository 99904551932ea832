"""Clean a loaded document: repair each line, drop furniture, read metadata, keep body paragraphs with headings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Literal

from corpus.damage import find_damage, snippet
from corpus.furniture import furniture_kind
from corpus.layout import Unit, paragraphs_from_lines
from corpus.metadata import (
    DateRank,
    FoundDate,
    acceptable_title,
    byline,
    dateline,
    dateline_rank,
    ends_with_punctuation,
    is_filing_label,
    looks_like_heading,
    looks_like_title,
    parse_date,
    regulation_date,
    regulation_note,
    restore_opening_quote,
    source_in,
    title_text,
)
from corpus.model import SIDECAR_KEYS, CleanDocument, Document
from corpus.repair import repair_line, split_lines
from corpus.report import RepairCounts, UnrepairedSpot
from corpus.shapes import article_label, compact, heading_refusal, is_chapter, is_label_value, is_lead_in, is_page_number, is_toc_entries, is_toc_title, list_family, looks_like_row, ordinal_family
from corpus.structure import Paragraph, group, stops_mid_sentence
from corpus.structure import Unit as BodyUnit

__all__ = ["ClassifiedLine", "Cleaned", "Paragraph", "clean_document"]

LineKind = Literal["title", "dateline", "byline", "heading", "body", "furniture"]
TOC_ENTRY_CHARS = 40  # a table-of-contents entry is a short line
NOTE_UNITS = 12  # a regulation's header note sits in its first few units
TOP_SECTION = "一、"  # the ordinal family of a Chinese document's top-level sections (shapes.ordinal_family)
_CONTINUATION_START = "，,、。．.；;：:）)】」』”’》〉…"  # a line that opens with these goes on from the line above


@dataclass(frozen=True)
class ClassifiedLine:
    """What the cleaner made of one unit of text; furniture carries the rule that matched."""

    line: int
    text: str
    kind: LineKind
    detail: str = ""


@dataclass(frozen=True)
class Cleaned:
    """A cleaned document, its paragraphs, the repairs made and the damage left."""

    document: CleanDocument
    paragraphs: tuple[Paragraph, ...]
    repairs: RepairCounts
    damage: tuple[UnrepairedSpot, ...]
    lines: tuple[ClassifiedLine, ...]


def _repair_all(raw_text: str) -> tuple[list[str], RepairCounts]:
    lines, pinyin, ftfy_fixes, cjk, width = [], 0, 0, 0, 0
    for raw in split_lines(raw_text):
        fixed = repair_line(raw)
        lines.append(fixed.text)
        pinyin += fixed.pinyin_removed
        ftfy_fixes += fixed.ftfy_fixed
        cjk += fixed.cjk_mojibake_fixed
        width += fixed.width_fixes
    return lines, RepairCounts(pinyin_removed=pinyin, ftfy_fixes=ftfy_fixes, cjk_mojibake_fixes=cjk, width_fixes=width)


def _hints(value: str | None) -> set[str]:
    """Lines a reader marked (headings found by markup, table rows), repaired like the text."""
    return {repair_line(h).text for h in (value or "").split("\n") if h.strip()}


def _table_of_contents(units: Sequence[Unit]) -> set[int]:
    """The units of a table of contents: a 目录 line and the short entries under it that point to later headings,
    and any line of entries with dot leaders and page numbers (第一章　总纲........4)."""
    seen = Counter(compact(u.text) for u in units)
    found: set[int] = {i for i, u in enumerate(units) if is_toc_entries(u.text)}
    for start, unit in enumerate(units):
        if not is_toc_title(unit.text):
            continue
        end = start + 1
        entries: set[str] = set()
        while end < len(units):
            text = units[end].text
            if len(text) > TOC_ENTRY_CHARS or not (is_chapter(text) or seen[compact(text)] > 1):
                break
            if compact(text) in entries:  # the first entry again: the document itself begins
                break
            entries.add(compact(text))
            end += 1
        if end - start > 2:
            found.update(range(start, end))
    return found


def _neighbour(units: Sequence[Unit], i: int, step: int, skip: set[int]) -> Unit | None:
    """The nearest unit before (step -1) or after (step 1) units[i] that is text, not furniture."""
    k = i + step
    while 0 <= k < len(units):
        if k not in skip and not furniture_kind(units[k].text) and byline(units[k].text) is None:
            return units[k]
        k += step
    return None


def _continues_into(text: str, after: str, wrapped: bool) -> bool:
    """`text` is a clause that goes on in the next line: the next line opens with closing punctuation or a
    lower-case word, or, in hard-wrapped text, the line holds a clause break (，) and no end of its own."""
    if after[:1] in _CONTINUATION_START or after[:1].islower():
        return True
    return wrapped and any(mark in text for mark in "，,") and not ends_with_punctuation(text)


def _is_heading(units: Sequence[Unit], i: int, hints: set[str], rows: set[str], skip: set[int], wrapped: bool) -> bool:
    """A heading by markup or by shape; never a row, list item, URL, markup, page number or a line cut mid-sentence."""
    text = units[i].text
    if text in rows or heading_refusal(text) is not None:
        return False
    if is_chapter(text) or text in hints:
        return True
    before, after = _neighbour(units, i, -1, skip), _neighbour(units, i, 1, skip)
    if after is None or not looks_like_heading(text) or _continues_into(text, after.text, wrapped):
        return False
    family = ordinal_family(text)
    if family is not None:  # （一）申请条件: a numbered title over text or a nested list, not among its sibling items
        if list_family(after.text) == family or (before is not None and list_family(before.text) == family):
            return False
        heads_a_list = ordinal_family(after.text) is not None or is_lead_in(after.text)
        # 三、受理单位 over 广州市社保经办窗口: a top-level section of a notice or guide heads even a short answer.
        return heads_a_list or family == TOP_SECTION or (not looks_like_heading(after.text) and len(after.text) >= len(text))
    if before is not None and is_lead_in(before.text):
        return False  # an item of the list that line introduces
    if is_label_value(text):
        return False  # 文章来源：市人社局, 发布机关： 广州市民政局: a field of the page, not a section
    if before is not None and stops_mid_sentence(BodyUnit(before.line, before.text)):
        return False  # the rest of the sentence a short line above leaves open
    if heading_refusal(after.text) in ("date", "url", "markup", "page number"):
        return False  # a signature's name above its date, a label above a link: nothing to head
    return not looks_like_heading(after.text) or len(after.text) > len(text) * 3


def _rewords(line: str, known_title: str) -> bool:
    """Whether a line is the title its reader already found, in the page's own wording: the same words, or the
    <title>'s without the site's name (怎么申领广州市社会保障卡？ of 怎么申领广州市社会保障卡？_广州市人民政府门户网站).
    No other line is taken for it: not the first section's heading 一、2025年发放情况 under a page titled for the whole."""
    shorter, longer = sorted((compact(line), compact(known_title)), key=len)
    return bool(shorter) and shorter in longer and len(shorter) * 2 >= len(longer)


def _classify(units: list[Unit], metadata: dict[str, str]) -> list[ClassifiedLine]:
    """Walk the units in order, deciding for each: title, dateline, byline, heading, body or furniture.

    The title is the first line of text that can be one (under a filing label such as 附件1：, which is dropped),
    or, when the reader found the title, the line that rewords it (``_rewords``); datelines are looked for before the
    first body paragraph (a labelled publication date, 发布日期：…, anywhere), so a paragraph that starts with a date stays a
    paragraph. A table row (metadata["rows"]) is only ever body or furniture.
    """
    heading_hints = _hints(metadata.get("headings"))
    rows = _hints(metadata.get("rows"))
    given_title = repair_line(metadata.get("title", "")).text
    known_title = given_title if acceptable_title(given_title) else ""
    toc = _table_of_contents(units)
    out: list[ClassifiedLine] = []
    title_seen = body_seen = False
    for i, unit in enumerate(units):
        text = unit.text
        row = text in rows
        kind_of_furniture = furniture_kind(text)
        if i in toc:
            out.append(ClassifiedLine(unit.line, text, "furniture", "table of contents"))
        elif not row and is_page_number(text):  # a bare 12 or iv on a line of its own, as printed pages leave
            out.append(ClassifiedLine(unit.line, text, "furniture", "page number"))
        elif byline(text) is not None and not row:
            out.append(ClassifiedLine(unit.line, text, "byline"))
        elif kind_of_furniture:
            out.append(ClassifiedLine(unit.line, text, "furniture", kind_of_furniture))
        elif not row and not title_seen and not body_seen and is_filing_label(text):
            out.append(ClassifiedLine(unit.line, text, "furniture", "filing label"))
        elif not row and dateline(text) and (not body_seen or dateline_rank(text) == DateRank.PUBLISHED):
            out.append(ClassifiedLine(unit.line, text, "dateline"))
        elif not row and not title_seen and (
            _rewords(text, known_title) if known_title else (not body_seen and looks_like_title(text) and text not in heading_hints)
        ):
            out.append(ClassifiedLine(unit.line, text, "title"))
            title_seen = True
        elif not row and _is_heading(units, i, heading_hints, rows, toc, metadata.get("wrapped") == "yes"):
            out.append(ClassifiedLine(unit.line, text, "heading"))
        else:
            out.append(ClassifiedLine(unit.line, text, "body"))
            # A URL, markup or a date left above the title by a page's header does not end the search for it.
            body_seen = body_seen or heading_refusal(text) not in ("url", "markup", "date")
        title_seen = title_seen or out[-1].kind == "heading"
    return out


def _found_date(classified: Sequence[ClassifiedLine]) -> tuple[FoundDate | None, DateRank]:
    """The date of the most trusted dateline (the first among equals), and how much it is trusted."""
    best: tuple[FoundDate | None, DateRank] = (None, DateRank.GENERATED)
    for cl in classified:
        if cl.kind == "dateline" and (found := dateline(cl.text)):
            rank = dateline_rank(cl.text)
            if best[0] is None or rank < best[1]:
                best = (found, rank)
    return best


def _regulation_date(classified: Sequence[ClassifiedLine]) -> FoundDate | None:
    """A regulation's date from the note under its title (latest amendment), when the text has articles."""
    texts = [cl for cl in classified if cl.kind in ("dateline", "body", "heading", "title")]
    if sum(1 for cl in texts if cl.kind == "body" and article_label(cl.text)) < 2:
        return None
    header: list[str] = []
    for cl in texts[:NOTE_UNITS]:
        if article_label(cl.text) or is_chapter(cl.text):
            break
        header.append(cl.text)
    notes = [k for k, text in enumerate(header) if regulation_note(text)]
    if not notes:
        return None
    # From the first dated line to the line after the last: a note wrapped over lines keeps each date's event.
    return regulation_date(" ".join(header[notes[0] : notes[-1] + 2]))


def _damage(path: str, lines: list[ClassifiedLine]) -> list[UnrepairedSpot]:
    spots = []
    for cl in lines:
        if cl.kind == "furniture":
            continue
        for spot in find_damage(cl.text):
            spots.append(UnrepairedSpot(path, cl.line, spot.start + 1, spot.kind, snippet(cl.text, spot)))
    return spots


def clean_document(doc: Document, *, wrapped: bool | None = None) -> Cleaned:
    """Repair, classify and collect one document's paragraphs and metadata.

    Metadata a sidecar gave wins; then, for the date, a regulation's latest amendment and a labelled publication
    date in the text; then what the reader found in the file's structure; then a dateline in the text.
    """
    lines, counts = _repair_all(doc.raw_text)
    meta = doc.metadata
    rows = frozenset(_hints(meta.get("rows")))
    units = paragraphs_from_lines(lines, wrapped=meta.get("wrapped") == "yes" if wrapped is None else wrapped, rows=rows)
    classified = _classify(units, meta)

    title = next((title_text(cl.text) for cl in classified if cl.kind == "title"), None)
    found_date, rank = _found_date(classified)
    sources = [s for cl in classified if cl.kind in ("dateline", "furniture") and (s := source_in(cl.text))]
    bylines = [b for cl in classified if cl.kind == "byline" and (b := byline(cl.text))]

    hints = _hints(meta.get("headings"))
    quotes_restored = 0
    final_lines: list[ClassifiedLine] = []
    body: list[BodyUnit] = []
    for cl in classified:
        if cl.kind == "heading":
            restored = restore_opening_quote(cl.text)
            quotes_restored += restored != cl.text
            cl = replace(cl, text=restored)
            body.append(BodyUnit(cl.line, restored, "heading", hinted=True))
        elif cl.kind == "body":
            row = cl.text in rows or looks_like_row(cl.text)
            body.append(BodyUnit(cl.line, cl.text, "body", row=row, hinted=cl.text in hints))
        final_lines.append(cl)
    grouped = group(body)

    given = set(meta.get(SIDECAR_KEYS, "").split())
    meta_date = parse_date(meta["date"]) if meta.get("date") else None
    text_date = _regulation_date(classified) or (found_date if rank == DateRank.PUBLISHED else None)
    when = (meta_date if "date" in given else None) or text_date or meta_date or found_date
    meta_title = repair_line(meta["title"]).text if meta.get("title") else ""
    document = CleanDocument(
        id=doc.id,
        path=doc.path,
        title=meta_title if meta_title and ("title" in given or acceptable_title(meta_title)) else title or PurePath(doc.path).stem,
        date=when.date if when else None,
        datetime=when.datetime if when else None,
        source=repair_line(meta["source"]).text if meta.get("source") else (sources[0] if sources else None),
        url=meta.get("url") or None,
        byline=repair_line(meta["byline"]).text if meta.get("byline") else ("; ".join(bylines) or None),
        headings=grouped.headings,
        paragraphs=len(grouped.paragraphs),
        format=meta.get("format", ""),
    )
    furniture = sum(1 for cl in classified if cl.kind == "furniture")
    repairs = replace(counts, furniture_dropped=furniture, quotes_restored=quotes_restored)
    return Cleaned(document, grouped.paragraphs, repairs, tuple(_damage(doc.path, final_lines)), tuple(final_lines))
