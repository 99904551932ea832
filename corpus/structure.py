"""Group a document's body units into paragraphs a reader can quote: sentences, lists, FAQ pairs, articles.

A reader hands over one unit a line: a paragraph, a list item, a table row, a line of a page laid out one
fragment a line. This module puts back together what belongs together, by shape only:

- lines cut inside a sentence (one fragment a line, as on WeChat-style pages) are joined into the sentence;
- a list stays with the sentence that introduces it (`…如下：` then `1.` / `（一）` / `-` items), nested lists
  with their own lead-ins;
- an FAQ question (问：… / Q: / a numbered line ending in ？) keeps its answer paragraphs;
- a regulation article (第X条) keeps its paragraphs and numbered items;
- what is still too short to stand alone (a label, a signature line, 不收费) joins its neighbour, or takes the
  heading above it, or becomes the heading of what follows.

Each paragraph keeps its parts (the units) and, for each part, the part it hangs under (its lead-in, its question),
so that a long paragraph can be cut into pieces that each carry their context (corpus.split.split_block).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from corpus.layout import join_lines
from corpus.metadata import ends_sentence, looks_like_heading
from corpus.pinyin import HAN
from corpus.shapes import (
    article_label,
    compact,
    heading_refusal,
    is_answer,
    is_chapter,
    is_date_only,
    is_label_value,
    is_lead_in,
    is_marked_question,
    is_question,
    is_section,
    list_family,
    ordinal_family,
)

FRAGMENT_CHARS = 8  # a passage shorter than this, without a sentence end, is a fragment (issue 12)
SHORT_CHARS = 12  # a unit shorter than this that ends no sentence cannot stand alone as a quote
FRAGMENT_LINE_CHARS = 24  # a line this short that stops mid-sentence continues on the next line
LIST_ITEM_CHARS = 80  # an unmarked line after a lead-in is one of its items when no longer than this
OUTLINE_TITLE_CHARS = 24  # a numbered line this short, followed by text, titles what follows (（一）宣传教育。)
QUESTION_CHARS = 120  # a question longer than this is a paragraph that happens to ask
UNMARKED_QUESTION_CHARS = 60  # a bare question line (no 问： and no number) must be short

_CLAUSE_END = "，,、"
_WORDY = re.compile(f"[{HAN}]{{2}}|[A-Za-z]{{3}}")  # a title has words: two Chinese characters, or a Latin word


@dataclass(frozen=True)
class Unit:
    """One unit of body text or a heading, in document order, as the cleaner classified it."""

    line: int
    text: str
    kind: Literal["heading", "body"] = "body"
    row: bool = False  # a table row (metadata["rows"]): kept whole, never a heading
    hinted: bool = False  # markup (Word style, <h2>, #) said it is a heading


@dataclass(frozen=True)
class Part:
    """A unit inside a paragraph, and the index of the part it hangs under (its lead-in or question), if any."""

    text: str
    parent: int | None = None


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: its parts, the heading above it, the line it starts on.

    `label` is the article number (第十二条) that each piece of a long article carries.
    """

    parts: tuple[Part, ...]
    heading: str | None
    line: int
    label: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(part.text for part in self.parts)


@dataclass(frozen=True)
class Grouped:
    """The paragraphs of a document, and its headings (some short lines become headings here)."""

    paragraphs: tuple[Paragraph, ...]
    headings: tuple[str, ...] = ()


# --- joining lines cut inside a sentence -----------------------------------------------------------------------


def _plain(unit: Unit) -> bool:
    """A body unit without a marker of structure: no list marker, row, article, question or answer label."""
    text = unit.text
    return (
        unit.kind == "body"
        and not unit.row
        and not unit.hinted
        and list_family(text) is None
        and article_label(text) is None
        and not is_marked_question(text)
        and not is_answer(text)
        and not is_date_only(text)
    )


def stops_mid_sentence(unit: Unit) -> bool:
    """A short plain line that does not finish its sentence: it goes on in the next line."""
    text = unit.text
    if not _plain(unit) or len(text) > FRAGMENT_LINE_CHARS or ends_sentence(text):
        return False
    if is_lead_in(text) or is_label_value(text) or is_question(text):
        return False
    return text[-1] in _CLAUSE_END or heading_refusal(text) is None


def continues(before: Unit, unit: Unit) -> bool:
    """`unit` carries on the sentence that the short line `before` left open."""
    if not stops_mid_sentence(before) or not _plain(unit) or is_label_value(unit.text):
        return False
    return before.text[-1] in _CLAUSE_END or len(unit.text) <= FRAGMENT_LINE_CHARS


def join_fragments(units: Sequence[Unit]) -> list[Unit]:
    """Join each run of lines cut inside a sentence (one fragment a line) into one unit.

    A joined run that reads as a heading (short, no sentence in it, longer text below) becomes one: a title
    set on two lines (小学招生 / 5月7日至11日网上报名) is a heading, not two fragments.
    """
    out: list[Unit] = []
    joined: set[int] = set()
    last: Unit | None = None  # the last line joined in, which decides whether the sentence goes on
    for unit in units:
        if out and last is not None and continues(last, unit):
            out[-1] = replace(out[-1], text=join_lines(out[-1].text, unit.text))
            joined.add(len(out) - 1)
        else:
            out.append(unit)
        last = unit
    for k in sorted(joined):
        text = out[k].text
        after = out[k + 1] if k + 1 < len(out) else None
        if after is None or after.kind != "body" or not looks_like_heading(text):
            continue
        if not looks_like_heading(after.text) or len(after.text) > 3 * len(text):
            out[k] = replace(out[k], kind="heading")
    return out


# --- grouping units into paragraphs ----------------------------------------------------------------------------


def _question_shaped(text: str) -> bool:
    return is_question(text) and len(text) <= UNMARKED_QUESTION_CHARS and not is_answer(text)


def _opens_question(units: Sequence[Unit], i: int, bare_questions: bool) -> bool:
    """Does units[i] open an FAQ pair: a question whose answer follows?"""
    text = units[i].text
    if units[i].row or len(text) > QUESTION_CHARS:
        return False
    if is_marked_question(text):
        return True
    if not is_question(text) or i + 1 >= len(units) or is_question(units[i + 1].text):
        return False
    if is_answer(units[i + 1].text) or ordinal_family(text) is not None:
        return True
    return bare_questions and _question_shaped(text)


def _is_outline_title(units: Sequence[Unit], k: int) -> bool:
    """A short numbered line followed by something else than its sibling: it titles what follows."""
    family = ordinal_family(units[k].text)
    if family is None or len(units[k].text) > OUTLINE_TITLE_CHARS or k + 1 >= len(units):
        return False
    if units[k].text.rstrip()[-1:] in "，,、；;" or (k > 0 and list_family(units[k - 1].text) == family):
        return False  # an item of a list (…；), or the last of a run of sibling items (5.上传材料。 6.办理完成。)
    after = units[k + 1]
    return list_family(after.text) != family and not after.row and not is_lead_in(after.text)


def _is_lead(units: Sequence[Unit], k: int) -> bool:
    return not units[k].row and (is_lead_in(units[k].text) or _is_outline_title(units, k))


def _list_end(units: Sequence[Unit], i: int, opener: _Opener) -> int:
    """Where a list that starts at units[i] ends: its items are marked, rows, or short lines after a lead-in."""
    j = i + 1
    while j < len(units):
        unit, before = units[j], units[j - 1]
        if opener(j):
            break
        if unit.row or list_family(unit.text) is not None:
            j += 1
            continue
        after_lead = _is_lead(units, j - 1)
        goes_on = list_family(before.text) is None and not before.row and before.text.rstrip()[-1:] in "，,、；;"
        if (after_lead and (len(unit.text) <= LIST_ITEM_CHARS or list_family(before.text) is not None)) or (
            goes_on and len(unit.text) <= LIST_ITEM_CHARS
        ):
            j += 1
            continue
        break
    return j


def _parents(units: Sequence[Unit], root: int | None) -> list[int | None]:
    """For each unit of a paragraph, the index of the unit it hangs under: an outline built from list markers.

    A marked item hangs under the item above it when its marker family is new (a nested list), else under what
    its earlier sibling hung under; an unmarked line is the content of a lead-in or numbered title just above
    it, or goes on a list of unmarked items (lines ending ，；), or else closes the lists (it hangs under `root`,
    the FAQ question). A lead-in (…如下：) opens a list of its own.
    """
    parents: list[int | None] = []
    stack: list[tuple[str, int]] = []  # the open items and lead-ins: (marker family, index)
    for k, unit in enumerate(units):
        if k == root:
            parents.append(None)
            continue
        family = "row" if unit.row else list_family(unit.text)
        if family is not None:
            for depth, (open_family, _) in enumerate(stack):
                if open_family == family:  # a sibling closes the item before it and everything nested in it
                    del stack[depth:]
                    break
            parents.append(stack[-1][1] if stack else root)
            stack.append((family, k))
            continue
        before = units[k - 1] if k > 0 else None
        if stack and stack[-1][1] == k - 1 and _is_lead(units, k - 1):
            parents.append(k - 1)  # the content of the lead-in or numbered title just above
        elif before is not None and list_family(before.text) is None and before.text.rstrip()[-1:] in "，,、；;" and k - 1 != root:
            parents.append(parents[k - 1])  # the next of a list of unmarked items
        else:
            stack.clear()
            parents.append(root)
        if is_lead_in(unit.text):
            stack.append((f"plain {k}", k))
    return parents


class _Opener:
    """Which units open a paragraph of their own whatever precedes them: articles and FAQ questions."""

    def __init__(self, units: Sequence[Unit], articles: bool, bare_questions: bool) -> None:
        self.units, self.articles, self.bare_questions = units, articles, bare_questions

    def article(self, i: int) -> bool:
        return self.articles and article_label(self.units[i].text) is not None

    def question(self, i: int) -> bool:
        return _opens_question(self.units, i, self.bare_questions)

    def __call__(self, i: int) -> bool:
        return self.article(i) or self.question(i)


def _section(units: Sequence[Unit], heading: str | None, articles: bool, bare_questions: bool) -> list[Paragraph]:
    """The paragraphs of the body units under one heading."""
    opener = _Opener(units, articles, bare_questions)
    out: list[Paragraph] = []
    i = 0
    while i < len(units):
        label = None
        root: int | None = None
        if opener(i):
            label = article_label(units[i].text) if opener.article(i) else None
            root = None if label else 0
            j = i + 1
            while j < len(units) and not opener(j):
                j += 1
        elif units[i].row or list_family(units[i].text) is not None or _is_lead(units, i):
            j = _list_end(units, i, opener)
        else:
            j = i + 1
        members = units[i:j]
        parents = _parents(members, root)
        parts = tuple(Part(u.text, p) for u, p in zip(members, parents, strict=True))
        out.append(Paragraph(parts, heading, members[0].line, label))
        i = j
    return out


def _bare_questions(units: Sequence[Unit]) -> bool:
    """A page of questions: at least two short question lines, each followed by something that is not one."""
    count = 0
    for unit, after in zip(units, units[1:], strict=False):
        if unit.kind == "body" and _question_shaped(unit.text) and after.kind == "body" and not is_question(after.text):
            count += 1
    return count >= 2


def _article_count(units: Sequence[Unit]) -> int:
    return sum(1 for u in units if u.kind == "body" and article_label(u.text) is not None)


# --- what is too short to stand alone --------------------------------------------------------------------------


def is_fragment(text: str) -> bool:
    """A passage that is a bare fragment: under 8 characters (whitespace aside) and no sentence end."""
    return len(compact(text)) < FRAGMENT_CHARS and not ends_sentence(text)


# An issuer's name as a notice signs off: ends with the word for a body (局, 办公室, 人民政府, 调查队 ...), no punctuation.
_ISSUER = re.compile(r"^[^\s，。；：！？、,;:!?]{2,30}(?:局|办公室|辦公室|办|辦|委员会|委員會|委|政府|中心|厅|廳|部|院|队|隊|会|會|处|處|所|署|站|室|公司)"
                     r"(?:[（(]盖章[)）]|[（(]蓋章[)）])?$")
MAX_SIGNATURE_PARTS = 4


def is_signature(paragraph: Paragraph) -> bool:
    """A notice's sign-off: its issuers' names and its date, and nothing else (江西省人民政府外事办公室 / 2022年2月21日).

    It says who issued the text and when, which the document's citation already says; quoted alone it answers
    nothing, so it stays with the paragraph before it.
    """
    texts = [p.text.strip() for p in paragraph.parts]
    dates = sum(1 for t in texts if is_date_only(t))
    issuers = sum(1 for t in texts if t.split() and all(_ISSUER.match(word) for word in t.split()))
    return 0 < dates and dates + issuers == len(texts) <= MAX_SIGNATURE_PARTS


def _too_short(paragraph: Paragraph) -> bool:
    """Too short to quote alone: under 8 characters, one short line that ends no sentence (a label, a name), or a
    notice's signature (its issuer and date).

    A lead-in with its one short item (八、收费标准 / 不收费) says what it is about, and may stand.
    """
    size = len(compact(paragraph.text))
    if size < FRAGMENT_CHARS or is_signature(paragraph):
        return True
    return len(paragraph.parts) == 1 and size < SHORT_CHARS and not ends_sentence(paragraph.text)


def _prepend(text: str, paragraph: Paragraph) -> Paragraph:
    shifted = tuple(Part(p.text, None if p.parent is None else p.parent + 1) for p in paragraph.parts)
    return replace(paragraph, parts=(Part(text), *shifted))


def _append(paragraph: Paragraph, other: Paragraph) -> Paragraph:
    offset = len(paragraph.parts)
    moved = tuple(Part(p.text, None if p.parent is None else p.parent + offset) for p in other.parts)
    return replace(paragraph, parts=paragraph.parts + moved)


def _absorb_short(paragraphs: list[Paragraph], headings: list[tuple[int, str]]) -> list[Paragraph]:
    """Give every paragraph too short to quote alone a context: its heading, its neighbour, or make it a heading."""
    out = list(paragraphs)
    k = 0
    while k < len(out):
        current = out[k]
        if not _too_short(current) or len(out) == 1:
            k += 1
            continue
        same_before = k > 0 and out[k - 1].heading == current.heading
        same_after = k + 1 < len(out) and out[k + 1].heading == current.heading
        text = current.text
        looks_ahead = len(current.parts) == 1 and (is_lead_in(text) or heading_refusal(text) is None)
        titled = looks_ahead and looks_like_heading(text) and bool(_WORDY.search(text))
        if titled and k + 1 < len(out) and not same_after and out[k + 1].heading is not None:
            # A title line right above a heading (小学招生 / 5月7日至11日网上报名) heads that section too.
            headings.append((current.line, text))
            below = out[k + 1].heading
            j = k + 1
            while j < len(out) and out[j].heading == below:
                out[j] = replace(out[j], heading=f"{text} {below}")
                j += 1
            del out[k]
            continue
        if looks_ahead and same_after and not _too_short(out[k + 1]):
            out[k + 1] = _prepend_paragraph(current, out[k + 1])
            del out[k]
            continue
        if k > 0 and (same_before or not same_after):
            out[k - 1] = _append(out[k - 1], current)
            del out[k]
            k -= 1
            continue
        out[k + 1] = _prepend_paragraph(current, out[k + 1])
        del out[k]
    return out


def _prepend_paragraph(first: Paragraph, paragraph: Paragraph) -> Paragraph:
    joined = _append(replace(paragraph, parts=first.parts), paragraph)
    return replace(joined, line=first.line)


# --- the whole document ----------------------------------------------------------------------------------------


def group(units: Sequence[Unit]) -> Grouped:
    """The paragraphs of a document from its classified units (headings and body, in order)."""
    units = join_fragments(units)
    articles = _article_count(units) >= 2
    bare_questions = _bare_questions(units)
    paragraphs: list[Paragraph] = []
    headings: list[tuple[int, str]] = []
    heading: str | None = None
    chapter: str | None = None  # the regulation chapter a 第X节 section belongs to
    section: list[Unit] = []
    for unit in [*units, None]:
        if unit is None or unit.kind == "heading":
            if section:
                made = _section(section, heading, articles, bare_questions)
                if headings and heading is not None and len(made) == 1 and _too_short(made[0]):
                    # 八、收费标准 / 不收费: the heading says what the line is about, so it becomes its first line.
                    made = [replace(_prepend(headings.pop()[1], made[0]), heading=None)]
                paragraphs.extend(made)
                section.clear()
            if unit is not None:
                headings.append((unit.line, unit.text))
                # 第一节 under 第三章 国家机构: the passages name both, as a reader would cite them.
                heading = f"{chapter} {unit.text}" if chapter and is_section(unit.text) else unit.text
                if is_chapter(unit.text) and not is_section(unit.text):
                    chapter = unit.text
        else:
            section.append(unit)
    kept = _absorb_short(paragraphs, headings)
    return Grouped(tuple(kept), tuple(text for _, text in sorted(headings, key=lambda h: h[0])))
