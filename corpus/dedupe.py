"""Merge paragraphs that several documents carry (republished news), keeping the first and citing the others.

Only what is surely the same text republished is merged, and never in a way that takes text out of its context:
- whole paragraphs only (every piece of a split paragraph, or none);
- at least MIN_MERGE_CHARS characters: the stock phrases of official writing (各区人民政府，市政府各部门：,
  本办法自印发之日起施行。, 特此通知。), headings, labels and bare list items are shorter, and two documents that
  share one of them do not say the same thing;
- a paragraph under STANDALONE_CHARS merges only beside a neighbour that merges too (a run of republished
  paragraphs); alone, a short list item or formula would be moved away from the list or letter it belongs to;
- inside one document, an exact repeat under the same heading (nothing a reader could tell apart), or a
  repeated fragment under MIN_MERGE_CHARS (补贴期限：一次性。 under three headings: alone it answers nothing, and
  its copies crowd real answers out of the top hits); a longer paragraph repeated under another heading is
  indexed with that heading, answers another question there, and stays.
The kept paragraph cites every other document that carries it (`also_cited`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from corpus.model import Citation, Passage

MIN_MERGE_CHARS = 30
STANDALONE_CHARS = 80
_IGNORED = re.compile(r"\s+")


def dedupe_key(text: str) -> str:
    """Two passages are the same when their texts agree after NFKC and with whitespace removed."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


def _paragraphs(passages: list[Passage]) -> list[list[Passage]]:
    """Consecutive passages of one paragraph (same document and position) grouped."""
    groups: list[list[Passage]] = []
    for passage in passages:
        last = groups[-1][0] if groups else None
        if last is not None and (last.doc_id, last.position) == (passage.doc_id, passage.position):
            groups[-1].append(passage)
        else:
            groups.append([passage])
    return groups


def _cite(group: list[Passage], others: tuple[Citation, ...]) -> list[Passage]:
    """The group's passages with the citations in `others` added, each document once."""
    cited = {c.doc_id for c in (group[0].cite, *group[0].also_cited)}
    new: list[Citation] = []
    for citation in others:
        if citation.doc_id not in cited:
            cited.add(citation.doc_id)
            new.append(citation)
    return [replace(p, also_cited=(*p.also_cited, *new)) for p in group] if new else group


def dedupe_passages(passages: Iterable[Passage]) -> tuple[tuple[Passage, ...], int]:
    """Keep the first of each republished paragraph, citing the other documents in `also_cited`.

    Returns the kept passages in their original order and how many passages were merged away. The same
    passage given twice (same id: a document indexed again) is kept once.
    """
    given = list(passages)
    unique: list[Passage] = []
    seen_ids: set[str] = set()
    for passage in given:
        if passage.id not in seen_ids:
            seen_ids.add(passage.id)
            unique.append(passage)
    groups = _paragraphs(unique)
    keys = [dedupe_key("".join(p.text for p in group)) for group in groups]
    first: dict[str, int] = {}
    copy_of: list[int | None] = [None] * len(groups)
    repeats: set[int] = set()
    in_document: set[tuple[str, str | None, str]] = set()
    for i, key in enumerate(keys):
        # A fragment's heading is left out of its place: one copy a document is enough.
        place = (groups[i][0].doc_id, groups[i][0].heading if len(key) >= MIN_MERGE_CHARS else None, key)
        if place in in_document:
            repeats.add(i)
            continue
        in_document.add(place)
        if len(key) < MIN_MERGE_CHARS:
            continue
        j = first.setdefault(key, i)
        if j != i and groups[j][0].doc_id != groups[i][0].doc_id:
            copy_of[i] = j

    def in_run(i: int) -> bool:
        doc = groups[i][0].doc_id
        return any(0 <= n < len(groups) and copy_of[n] is not None and groups[n][0].doc_id == doc for n in (i - 1, i + 1))

    kept: dict[int, list[Passage]] = {}
    merged = len(given) - len(unique)
    for i, group in enumerate(groups):
        j = copy_of[i]
        if i in repeats:
            merged += len(group)
        elif j is not None and (len(keys[i]) >= STANDALONE_CHARS or in_run(i)):
            kept[j] = _cite(kept[j], (group[0].cite, *group[0].also_cited))
            merged += len(group)
        else:
            kept[i] = group
    return tuple(p for i in sorted(kept) for p in kept[i]), merged
