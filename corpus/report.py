"""What a corpus build did: files read and skipped, repairs made, damage left, duplicates merged."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Skipped:
    """A file left out, and why (one line)."""

    path: str
    reason: str


@dataclass(frozen=True)
class UnrepairedSpot:
    """Damage the cleaner found but could not repair; the text is kept as it is and the spot is reported."""

    path: str
    line: int  # 1-based line (paragraph, for HTML, Word and PDF) of the decoded text
    column: int  # 1-based, in the repaired line
    kind: str  # e.g. "lost character", "replacement character U+FFFD"
    snippet: str  # a few characters around the spot

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.kind}: …{self.snippet}…"


@dataclass(frozen=True)
class FileReport:
    """What happened to one file that was read: which extractor, how many passages, what was left out."""

    path: str
    format: str  # txt, md, html, docx, pdf
    extractor: str  # e.g. "pypdf", "trafilatura"
    passages: int
    dropped: dict[str, int] = field(default_factory=dict)  # by kind: reader's drops (running headers) and furniture lines
    mapped: dict[str, int] = field(default_factory=dict)  # by kind: characters or lines repaired (radicals mapped, pinyin removed)

    def summary(self, warnings: tuple[str, ...] = ()) -> str:
        """One line: path, extractor, passages, the non-zero counts (largest first), and the warnings about it."""
        parts = [f"{self.path}: {self.format} via {self.extractor}, {self.passages} passages"]
        for verb, counts in (("dropped", self.dropped), ("mapped", self.mapped)):
            shown = [f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n]
            if shown:
                parts.append(f"{verb} " + ", ".join(shown))
        if warnings:
            parts.append("warnings: " + "; ".join(warnings))
        return "; ".join(parts)


@dataclass(frozen=True)
class RepairCounts:
    """Counters of one document's (or the whole corpus's) repairs."""

    pinyin_removed: int = 0  # pinyin annotations such as 發(fā)
    ftfy_fixes: int = 0  # lines whose mojibake ftfy repaired
    cjk_mojibake_fixes: int = 0  # lines where short runs of mojibake ftfy left inside Chinese were decoded
    width_fixes: int = 0  # full-width letters and digits made ASCII
    furniture_dropped: int = 0  # breadcrumbs, share widgets, disclaimers, footers, editor lines
    quotes_restored: int = 0  # a heading's lost opening quotation mark put back
    radicals_mapped: int = 0  # Kangxi / CJK radical look-alikes (⻋) mapped to the ideograph they stand for (车)

    def __add__(self, other: RepairCounts) -> RepairCounts:
        return RepairCounts(**{k: v + getattr(other, k) for k, v in asdict(self).items()})


@dataclass(frozen=True)
class CorpusReport:
    """The report of one build_passages run."""

    files_read: int = 0
    skipped: tuple[Skipped, ...] = ()
    ignored: int = 0  # hidden files and sidecars, which are not documents
    documents: int = 0
    passages: int = 0
    repairs: RepairCounts = RepairCounts()
    unrepaired: tuple[UnrepairedSpot, ...] = ()
    duplicates_merged: int = 0  # passages dropped because an earlier document carries the same text
    warnings: tuple[Skipped, ...] = ()  # a file was read but something beside it was not (a broken sidecar)
    files: tuple[FileReport, ...] = ()  # one per file read, in order

    @property
    def failed(self) -> bool:
        """True when any file was skipped."""
        return bool(self.skipped)

    # Flat names, so callers need not know that the counters live in RepairCounts.
    @property
    def pinyin_removed(self) -> int:
        return self.repairs.pinyin_removed

    @property
    def ftfy_fixes(self) -> int:
        return self.repairs.ftfy_fixes

    @property
    def furniture_dropped(self) -> int:
        return self.repairs.furniture_dropped

    def notes_for(self, path: str) -> tuple[str, ...]:
        """The warnings about one file that was read (what in or beside it could not be read)."""
        return tuple(w.reason for w in self.warnings if w.path == path)

    def file_lines(self) -> list[str]:
        """One line a file read: `file PATH: html via trafilatura, 12 passages; dropped ...; mapped ...; warnings: ...`."""
        return [f"file {f.summary(self.notes_for(f.path))}" for f in self.files]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form; each file carries its own warnings."""
        return {
            "files_read": self.files_read,
            "skipped": [asdict(s) for s in self.skipped],
            "ignored": self.ignored,
            "documents": self.documents,
            "passages": self.passages,
            "repairs": asdict(self.repairs),
            "unrepaired": [asdict(u) for u in self.unrepaired],
            "duplicates_merged": self.duplicates_merged,
            "warnings": [asdict(w) for w in self.warnings],
            "files": [{**asdict(f), "warnings": list(self.notes_for(f.path))} for f in self.files],
            "failed": self.failed,
        }

    def summary_lines(self) -> list[str]:
        """The report in human-readable lines: totals, unrepaired spots, then one line a file read or skipped."""
        r = self.repairs
        lines = [
            f"files read: {self.files_read}, skipped: {len(self.skipped)}" + (f", ignored (not documents): {self.ignored}" if self.ignored else ""),
            f"passages: {self.passages} from {self.documents} documents (duplicates merged: {self.duplicates_merged})",
            (
                f"repairs: {r.pinyin_removed} pinyin annotations removed, {r.ftfy_fixes} ftfy fixes, {r.cjk_mojibake_fixes} more mojibake fixes in Chinese, "
                f"{r.width_fixes} full-width characters narrowed, {r.radicals_mapped} radicals mapped, {r.furniture_dropped} furniture lines dropped, "
                f"{r.quotes_restored} quotes restored"
            ),
            f"unrepaired spots: {len(self.unrepaired)}",
        ]
        lines += [f"  {spot}" for spot in self.unrepaired]
        read = {f.path for f in self.files}
        lines += self.file_lines()
        lines += [f"skipped {s.path}: {s.reason}" for s in self.skipped]
        lines += [f"warning {w.path}: {w.reason}" for w in self.warnings if w.path not in read]
        return lines
