"""Staff uploads: check a document's name, size and type, store it under a safe name, add it to the index.

A file name from Telegram is user input: it never reaches the file system as given. The stored
name is built from the letters and digits of the original stem, plus a hash of the content (so the
same file sent twice is recognised, and two different files never overwrite each other).

The index grows by the upload: its passages are added to the passages the current index holds, whatever
folders it was built from, and the whole is rebuilt (embeddings come from the cache, so only the new
passages are encoded) and swapped in atomically. Uploads are kept in `settings.docs_dir`; a full rebuild
with `quotebot index` keeps them when that folder is among its paths.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from retrieval.config import IndexSettings

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
MAX_STEM_CHARS = 60
_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)  # \w: letters, digits and _ in any script
_DASHES = re.compile(r"-{2,}")


class UploadRefused(ValueError):
    """An upload cannot be taken; the message is one line for the staff member, naming the problem."""


@dataclass(frozen=True)
class SavedUpload:
    """Where an upload was stored, and whether the same content was already there."""

    path: Path
    original_name: str
    size: int
    already_present: bool


def upload_suffix(file_name: str | None) -> str:
    """The lower-cased suffix of an upload's name, if it is a type the corpus reads; else UploadRefused."""
    name = _last_component(file_name or "")
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in ALLOWED_SUFFIXES:
        shown = suffix or "no extension"
        raise UploadRefused(f"{name or 'the file'} ({shown}) is not a type I can read; send one of {', '.join(ALLOWED_SUFFIXES)}")
    return suffix


def check_size(size: int | None, max_bytes: int) -> None:
    """Refuse an upload over the size limit (an unknown size is checked again after download)."""
    if size is not None and size > max_bytes:
        raise UploadRefused(f"the file is {_mb(size)}; the limit is {_mb(max_bytes)}")
    if size == 0:
        raise UploadRefused("the file is empty")


def safe_stored_name(file_name: str, content: bytes) -> str:
    """A file-system-safe name: the original stem's letters and digits, a content hash, the suffix.

    No path separators, no `..`, no control or format characters, no leading dot, at most
    MAX_STEM_CHARS of stem; the suffix must be an allowed one.
    """
    suffix = upload_suffix(file_name)
    stem = unicodedata.normalize("NFKC", _last_component(file_name))[: -len(suffix)]
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")  # control, format, unassigned
    stem = _DASHES.sub("-", _UNSAFE.sub("-", stem)).strip("-_")[:MAX_STEM_CHARS].strip("-_") or "upload"
    digest = hashlib.sha256(content).hexdigest()[:10]
    return f"{stem}-{digest}{suffix}"


def save_upload(content: bytes, file_name: str | None, docs_dir: Path, max_bytes: int) -> SavedUpload:
    """Check and store an upload in docs_dir (written to a temp file, then renamed into place)."""
    name = _last_component(file_name or "")
    upload_suffix(name)
    check_size(len(content), max_bytes)
    stored = safe_stored_name(name, content)
    docs_dir.mkdir(parents=True, exist_ok=True)
    target = docs_dir / stored
    # Belt and braces: whatever the name became, it must land directly inside docs_dir.
    if target.resolve().parent != docs_dir.resolve():
        raise UploadRefused(f"refusing the file name {name!r}")
    if target.exists() and target.read_bytes() == content:
        return SavedUpload(target, name, len(content), already_present=True)
    fd, tmp = tempfile.mkstemp(dir=docs_dir, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return SavedUpload(target, name, len(content), already_present=False)


@dataclass(frozen=True)
class IngestReport:
    """What adding files to the index did."""

    read_passages: int  # passages the files gave; 0 means nothing was added
    added_passages: int  # of those, passages new to the index
    documents: int  # in the index now
    passages: int  # in the index now
    skipped: tuple[tuple[str, str], ...]  # (file, reason) for files that could not be read
    notes: tuple[str, ...]  # warnings from reading or building

    @property
    def repeated_passages(self) -> int:
        """Passages the index already had from another document: that document is now cited beside it."""
        return self.read_passages - self.added_passages


def add_to_index(index_settings: IndexSettings, index_dir: Path, paths: list[Path]) -> IngestReport:
    """Add the passages of `paths` to the index at index_dir (blocking: run it in a thread).

    Repeated paragraphs are merged as a full build merges them (the new document is cited beside the
    first). Nothing is built when no file yields a passage; the index keeps the model it was built with, or
    stays lexical-only when it was built so.
    """
    from corpus.dedupe import dedupe_passages
    from corpus.pipeline import build_passages
    from retrieval import layout, store
    from retrieval.build import build_index

    corpus = build_passages(paths)
    skipped = tuple((item.path, item.reason) for item in corpus.report.skipped)
    notes = tuple(f"{Path(item.path).name}: {item.reason}" for item in corpus.report.warnings)
    version = layout.version_dir(Path(index_dir))  # resolved once: a build may swap in another version
    manifest = store.read_manifest(version, name=Path(index_dir))
    if not corpus.passages:
        return IngestReport(0, 0, manifest.documents, manifest.passages, skipped, notes)
    existing, _folded = store.read_passages(version / store.PASSAGES)
    combined, _merged = dedupe_passages([*existing, *corpus.passages])
    new_ids = {p.id for p in corpus.passages}
    added = sum(1 for p in combined if p.id in new_ids)
    documents = len({p.doc_id for p in existing} | {p.doc_id for p in corpus.passages})
    # The index grows the way it was built. With vectors, by the encoder that made them (failing to load it is an
    # error). Without, lexically, whatever the reason was (the default model could not be had, it read too little
    # of the corpus, 'none'): loading a model that was not used would fail offline, or change the index's kind.
    if manifest.dense_enabled and manifest.model is not None:
        same = dataclasses.replace(index_settings, model=manifest.model, model_explicit=True, progress=False)
        build = build_index(combined, Path(index_dir), same, documents=documents)
    else:
        same = dataclasses.replace(index_settings, model=manifest.model_setting, progress=False)
        build = build_index(combined, Path(index_dir), same, documents=documents, lexical_only=manifest.dense_note)
    return IngestReport(len(corpus.passages), added, build.documents, build.passages, skipped, notes + build.warnings)


def _last_component(name: str) -> str:
    # Telegram names carry no directories, but a hostile client could send "../../x" or "C:\\x".
    return re.split(r"[\\/]", name)[-1].strip()


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"
