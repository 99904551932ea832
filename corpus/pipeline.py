"""Files and folders → clean, deduplicated passages with their citations, and a report of what happened."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.clean import Cleaned, clean_document
from corpus.dedupe import dedupe_passages
from corpus.errors import SkipFile
from corpus.load import MAX_FILE_BYTES, discover, document_id, load_file
from corpus.model import CleanDocument, Passage
from corpus.report import CorpusReport, FileReport, RepairCounts, Skipped, UnrepairedSpot
from corpus.split import DEFAULT_MAX_CHARS, split_block

logger = logging.getLogger(__name__)

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"


@dataclass(frozen=True)
class CorpusResult:
    """Passages ready to index, the documents they come from, and the report."""

    passages: tuple[Passage, ...]
    documents: tuple[CleanDocument, ...]
    report: CorpusReport


def sample_paths() -> list[Path]:
    """The bundled sample corpus: the articles shipped inside the package (its README is not one)."""
    return sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix == ".txt")


def passage_id(doc_id: str, position: int, part: int, text: str) -> str:
    """Stable across runs: document id, paragraph position and piece, and a hash of the text."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{doc_id}:{position}.{part}:{digest}"


def passages_of(cleaned: Cleaned, max_chars: int = DEFAULT_MAX_CHARS) -> list[Passage]:
    """One passage per body paragraph, or one per piece of a paragraph longer than `max_chars`.

    A piece of a long list, FAQ answer or article repeats the lead-in, question or article number it belongs to.
    """
    cite = cleaned.document.citation()
    out = []
    for position, paragraph in enumerate(cleaned.paragraphs):
        parts = [(part.text, part.parent) for part in paragraph.parts]
        pieces = [p.text.strip() for p in split_block(parts, max_chars, paragraph.label)]
        pieces = [p for p in pieces if p]
        for part, text in enumerate(pieces):
            out.append(
                Passage(
                    id=passage_id(cite.doc_id, position, part, text),
                    doc_id=cite.doc_id,
                    text=text,
                    heading=paragraph.heading,
                    position=position,
                    cite=cite,
                    part=part,
                    parts=len(pieces),
                )
            )
    return out


def file_report(path: str, extractor: str, reader_dropped: dict[str, int], cleaned: Cleaned, passages: int) -> FileReport:
    """The per-file line of the report: the reader's drops plus the cleaner's furniture, and the repairs made."""
    dropped = dict(reader_dropped)
    for line in cleaned.lines:
        if line.kind == "furniture":
            dropped[line.detail] = dropped.get(line.detail, 0) + 1
    r = cleaned.repairs
    mapped = {"radicals": r.radicals_mapped, "pinyin annotations": r.pinyin_removed, "mojibake lines": r.ftfy_fixes + r.cjk_mojibake_fixes,
              "full-width characters": r.width_fixes}
    return FileReport(path, cleaned.document.format, extractor, passages, {k: n for k, n in dropped.items() if n},
                      {k: n for k, n in mapped.items() if n})


def build_passages(
    paths: Sequence[Path], *, max_file_bytes: int = MAX_FILE_BYTES, max_chars: int = DEFAULT_MAX_CHARS
) -> CorpusResult:
    """Load, clean, split and deduplicate every document under `paths`; bad files are reported, not raised."""
    found = discover(paths)
    skipped = [Skipped(str(p), "no such file or folder") for p in found.missing]
    warnings: list[Skipped] = []
    documents: list[CleanDocument] = []
    passages: list[Passage] = []
    spots: list[UnrepairedSpot] = []
    files: list[FileReport] = []
    repairs = RepairCounts()
    ids: set[str] = set()
    for item in found.files:
        doc_id = document_id(item.rel)
        if doc_id in ids:  # the same relative path under two folders given
            doc_id = document_id(item.rel, salt=str(item.path.resolve()))
        try:
            loaded = load_file(item, doc_id, max_file_bytes)
            cleaned = clean_document(loaded.document)
        except SkipFile as reason:
            logger.info("skipped %s: %s", item.path, reason)
            skipped.append(Skipped(str(item.path), str(reason)))
            continue
        except Exception as err:  # a library's bug on one odd file must not stop the other files
            logger.exception("unexpected failure on %s", item.path)
            skipped.append(Skipped(str(item.path), f"could not be processed ({type(err).__name__}: {' '.join(str(err).split())[:160]})"))
            continue
        ids.add(doc_id)
        warnings += [Skipped(str(item.path), note) for note in loaded.notes]
        own = passages_of(cleaned, max_chars)
        if not own:
            warnings.append(Skipped(str(item.path), "no body text found (only a title, metadata or furniture)"))
        documents.append(cleaned.document)
        files.append(file_report(str(item.path), loaded.extractor, loaded.dropped, cleaned, len(own)))
        passages += own
        spots += cleaned.damage
        repairs = repairs + cleaned.repairs
    kept, merged = dedupe_passages(passages)
    report = CorpusReport(
        files_read=len(documents),
        skipped=tuple(skipped),
        ignored=found.ignored,
        documents=len(documents),
        passages=len(kept),
        repairs=repairs,
        unrepaired=tuple(spots),
        duplicates_merged=merged,
        warnings=tuple(warnings),
        files=tuple(files),
    )
    logger.info("corpus: %d files read, %d skipped, %d passages", report.files_read, len(skipped), len(kept))
    return CorpusResult(kept, tuple(documents), report)
