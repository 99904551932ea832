"""Find the documents under the given files and folders and load each into a Document.

Folders are walked recursively in sorted order (hidden files and folders left out). Each file is checked
before it is read: a broken link, a FIFO or a device, a file over the size limit, an unsupported type are
refused with a one-line reason; so is anything its reader cannot use.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import SkipFile
from corpus.model import SIDECAR_KEYS, Document
from corpus.readers import METADATA_KEYS, Extracted, read_docx, read_html, read_markdown, read_pdf, read_text

MAX_FILE_BYTES = 20 * 1024 * 1024
SIDECAR_SUFFIX = ".meta.json"

READERS: dict[str, tuple[str, Callable[[bytes], Extracted]]] = {
    ".txt": ("txt", read_text),
    ".text": ("txt", read_text),
    ".md": ("md", read_markdown),
    ".markdown": ("md", read_markdown),
    ".html": ("html", read_html),
    ".htm": ("html", read_html),
    ".docx": ("docx", read_docx),
    ".pdf": ("pdf", read_pdf),
}
SUPPORTED = " ".join(sorted({s for s in READERS if s not in (".text", ".markdown")}))
_SLUG_DROP = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Found:
    """A file to load: where it is, the folder it was found under, its sidecar if there is one."""

    path: Path
    rel: str  # path relative to the folder given (the file name for a file given directly), '/'-separated
    sidecar: Path | None = None


@dataclass(frozen=True)
class Discovery:
    """What walking the given paths turned up."""

    files: tuple[Found, ...]
    missing: tuple[Path, ...]  # given paths that do not exist
    ignored: int  # hidden files and folders, sidecars


@dataclass(frozen=True)
class Loaded:
    """A loaded document and the notes (warnings) about it."""

    document: Document
    notes: tuple[str, ...] = ()
    extractor: str = ""  # what read the file, for the per-file report
    dropped: dict[str, int] = field(default_factory=dict)  # what the reader left out, by kind


def _sidecar_for(name: str, names: set[str]) -> str | None:
    stem = name.rsplit(".", 1)[0]
    for candidate in (name + SIDECAR_SUFFIX, stem + SIDECAR_SUFFIX):
        if candidate in names:
            return candidate
    return None


def _walk(root: Path) -> tuple[list[Found], int]:
    """Documents under `root`, and how many entries were left out (hidden files and folders, sidecars)."""
    found: list[Found] = []
    ignored = 0
    for folder, dirs, files in os.walk(root):
        kept_dirs = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        ignored += len(dirs) - len(kept_dirs)
        dirs[:] = kept_dirs
        names = set(files)
        base = Path(folder)
        for name in sorted(files):
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                ignored += 1
                continue
            sidecar = _sidecar_for(name, names)
            found.append(Found(base / name, (base / name).relative_to(root).as_posix(), base / sidecar if sidecar else None))
    return found, ignored


def discover(paths: Sequence[Path]) -> Discovery:
    """Every candidate document under `paths`, in a stable order."""
    files: list[Found] = []
    missing: list[Path] = []
    ignored = 0
    for given in paths:
        given = Path(given)
        if given.is_dir():
            found, left_out = _walk(given)
            files += found
            ignored += left_out
        elif given.exists() or given.is_symlink():  # a broken link is reported by load_file, not lost
            siblings = {p.name for p in given.parent.iterdir()} if given.parent.is_dir() else set()
            sidecar = _sidecar_for(given.name, siblings)
            files.append(Found(given, given.name, given.parent / sidecar if sidecar else None))
        else:
            missing.append(given)
    return Discovery(tuple(files), tuple(missing), ignored)


def document_id(rel: str, salt: str = "") -> str:
    """A stable, readable id: the relative path as a slug plus a short hash of it (and of `salt`, if any)."""
    stem = rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel
    slug = _SLUG_DROP.sub("-", stem.replace("/", "--")).strip("-")[:48] or "document"
    digest = hashlib.sha1((salt + rel).encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


def _read_sidecar(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"sidecar {path.name} ignored: {' '.join(str(err).split())}") from None
    if not isinstance(data, dict):
        raise ValueError(f"sidecar {path.name} ignored: not a JSON object")
    data = {("byline" if k == "author" else k): v for k, v in data.items()}
    return {k: str(v).strip() for k, v in data.items() if k in METADATA_KEYS and isinstance(v, str | int | float) and str(v).strip()}


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, after checking it is a regular, readable file within the size limit."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SkipFile("broken symbolic link" if path.is_symlink() else "file vanished before it was read") from None
    except OSError as err:
        raise SkipFile(f"cannot read: {err.strerror or err}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SkipFile(f"not a regular file: {_kind_of(info.st_mode)}")
    if info.st_size > max_bytes:
        raise SkipFile(f"too large: {info.st_size / 2**20:,.1f} MB (limit {max_bytes / 2**20:,.0f} MB)")
    if info.st_size == 0:
        raise SkipFile("empty file")
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        raise SkipFile(f"cannot read: {err.strerror or err}") from None
    if len(data) > max_bytes:  # it grew after stat
        raise SkipFile(f"too large: over the {max_bytes / 2**20:,.0f} MB limit")
    return data


def load_file(found: Found, doc_id: str, max_bytes: int = MAX_FILE_BYTES) -> Loaded:
    """Load one file into a Document; SkipFile says why it cannot be used."""
    suffix = found.path.suffix.lower()
    if suffix not in READERS:
        raise SkipFile(f"unsupported file type '{suffix or '(none)'}' (quotebot reads {SUPPORTED})")
    fmt, reader = READERS[suffix]
    extracted = reader(read_bytes(found.path, max_bytes))
    metadata = {**extracted.metadata, "format": fmt}
    notes = list(extracted.notes)
    if found.sidecar is not None:
        try:
            given = _read_sidecar(found.sidecar)
            metadata.update(given)  # the operator's word beats what was extracted
            # ...and what the cleaner finds in the text, so it must know which values the operator gave.
            metadata[SIDECAR_KEYS] = " ".join(sorted(given))
        except ValueError as err:
            notes.append(str(err))
    document = Document(id=doc_id, path=str(found.path), raw_text=extracted.text, metadata=metadata)
    return Loaded(document, tuple(notes), extracted.extractor or fmt, dict(extracted.dropped))
