"""Clean a loaded document: repair each line, drop furniture, read metadata, keep body paragraphs with headings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Literal

from corpus.damage import find_damage, snippet
from corpus.furniture import furniture_kind
from corpus.layout import Unit, paragraphs_from_lines
from corpus.metadata import (
    FoundDate,
    byline,
    dateline,
    looks_like_heading,
    looks_like_title,
    parse_date,
    restore_opening_quote,
    source_in,
)
from corpus.model import CleanDocument, Document
from corpus.repair import repair_line, split_lines
from corpus.report import RepairCounts, UnrepairedSpot

LineKind = Literal["title", "dateline", "byline", "heading", "body", "furniture"]


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: its cleaned text, the heading above it, the line it starts on."""

    text: str
    heading: str | None
    line: int


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
    """Heading texts a loader found by markup (Word styles, HTML <h2>), repaired like the text."""
    return {repair_line(h).text for h in (value or "").split("\n") if h.strip()}


def _classify(units: list[Unit], metadata: dict[str, str]) -> list[ClassifiedLine]:
    """Walk the units in order, deciding for each: title, dateline, byline, heading, body or furniture.

    The title is the first line of text that can be one; datelines are looked for before the first body
    paragraph only, so a paragraph that starts with a date stays a paragraph.
    """
    heading_hints = _hints(metadata.get("headings"))
    known_title = repair_line(metadata.get("title", "")).text
    out: list[ClassifiedLine] = []
    title_seen = body_seen = False
    for i, unit in enumerate(units):
        text = unit.text
        kind_of_furniture = furniture_kind(text)
        if byline(text) is not None:
            out.append(ClassifiedLine(unit.line, text, "byline"))
        elif kind_of_furniture:
            out.append(ClassifiedLine(unit.line, text, "furniture", kind_of_furniture))
        elif not body_seen and dateline(text):
            out.append(ClassifiedLine(unit.line, text, "dateline"))
        elif not title_seen and not body_seen and (text == known_title or (looks_like_title(text) and text not in heading_hints)):
            out.append(ClassifiedLine(unit.line, text, "title"))
            title_seen = True
        elif text in heading_hints or (looks_like_heading(text) and _followed_by_body(units, i)):
            out.append(ClassifiedLine(unit.line, text, "heading"))
        else:
            out.append(ClassifiedLine(unit.line, text, "body"))
            body_seen = True
        title_seen = title_seen or out[-1].kind == "heading"
    return out


def _followed_by_body(units: list[Unit], i: int) -> bool:
    """A heading heads something: the next unit that is not furniture is a longer line of text."""
    for unit in units[i + 1 :]:
        if furniture_kind(unit.text) or byline(unit.text) is not None:
            continue
        return not looks_like_heading(unit.text) or len(unit.text) > len(units[i].text) * 3
    return False


def _damage(path: str, lines: list[ClassifiedLine]) -> list[UnrepairedSpot]:
    spots = []
    for cl in lines:
        if cl.kind == "furniture":
            continue
        for spot in find_damage(cl.text):
            spots.append(UnrepairedSpot(path, cl.line, spot.start + 1, spot.kind, snippet(cl.text, spot)))
    return spots


def clean_document(doc: Document, *, wrapped: bool | None = None) -> Cleaned:
    """Repair, classify and collect one document's paragraphs and metadata (metadata given by the loader wins)."""
    lines, counts = _repair_all(doc.raw_text)
    meta = doc.metadata
    units = paragraphs_from_lines(lines, wrapped=meta.get("wrapped") == "yes" if wrapped is None else wrapped)
    classified = _classify(units, meta)

    title = next((cl.text for cl in classified if cl.kind == "title"), None)
    found_date: FoundDate | None = next((found for cl in classified if cl.kind == "dateline" and (found := dateline(cl.text))), None)
    sources = [s for cl in classified if cl.kind in ("dateline", "furniture") and (s := source_in(cl.text))]
    bylines = [b for cl in classified if cl.kind == "byline" and (b := byline(cl.text))]

    paragraphs: list[Paragraph] = []
    headings: list[str] = []
    quotes_restored = 0
    current: str | None = None
    final_lines: list[ClassifiedLine] = []
    for cl in classified:
        if cl.kind == "heading":
            current = restore_opening_quote(cl.text)
            quotes_restored += current != cl.text
            headings.append(current)
            cl = replace(cl, text=current)
        elif cl.kind == "body":
            paragraphs.append(Paragraph(cl.text, current, cl.line))
        final_lines.append(cl)

    given_date = parse_date(meta["date"]) if meta.get("date") else None
    when = given_date or found_date
    document = CleanDocument(
        id=doc.id,
        path=doc.path,
        title=repair_line(meta["title"]).text if meta.get("title") else title or PurePath(doc.path).stem,
        date=when.date if when else None,
        datetime=when.datetime if when else None,
        source=repair_line(meta["source"]).text if meta.get("source") else (sources[0] if sources else None),
        url=meta.get("url") or None,
        byline=repair_line(meta["byline"]).text if meta.get("byline") else ("; ".join(bylines) or None),
        headings=tuple(headings),
        paragraphs=len(paragraphs),
        format=meta.get("format", ""),
    )
    furniture = sum(1 for cl in classified if cl.kind == "furniture")
    repairs = replace(counts, furniture_dropped=furniture, quotes_restored=quotes_restored)
    return Cleaned(document, tuple(paragraphs), repairs, tuple(_damage(doc.path, final_lines)), tuple(final_lines))
