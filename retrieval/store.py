"""The files of an index directory: the manifest (JSON) and the passages with their metadata (SQLite).

    index_dir/                 a symbolic link to the current version, swapped whole by retrieval.build
      manifest.json            written last: an index without it was never finished
      passages.sqlite3         passages in index order, with citation metadata and folded text
      lexical/                 bm25s files
      vectors.faiss            present when dense retrieval is enabled
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus.model import Citation, Passage
from retrieval.errors import IndexCorruptError, IndexMissingError, IndexVersionError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PASSAGES = "passages.sqlite3"
LEXICAL = "lexical"
VECTORS = "vectors.faiss"


@dataclass(frozen=True)
class Manifest:
    """What an index holds and how it was built."""

    format_version: int
    built_at: str  # ISO 8601, UTC
    passages: int
    documents: int
    newest_date: str | None
    corpus_fingerprint: str
    model_setting: str  # the model the settings asked for ("none" included)
    model: str | None  # the encoder actually used for the vectors; None when dense retrieval is off
    dim: int | None
    dense_enabled: bool
    dense_note: str  # why dense retrieval is on or off, in one sentence
    unknown_rate: float | None  # share of the encoder tokenizer's unknown tokens on a corpus sample
    vector_index: str | None  # "flat", "hnsw" or "ivf"
    lexical_scheme: str  # the term scheme; another one needs a rebuild

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Write the manifest (the last file of a build)."""
    (directory / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")


def read_manifest(directory: Path, name: Path | None = None) -> Manifest:
    """Read and check the manifest of an index directory (``name``: the path to show in errors)."""
    shown = name or directory
    if not directory.exists():
        raise IndexMissingError(shown, "no index there")
    if not directory.is_dir():
        raise IndexCorruptError(shown, "not a directory")
    path = directory / MANIFEST
    if not path.is_file():
        raise IndexMissingError(shown, "no manifest.json (not a quotebot index, or its build never finished)")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise IndexCorruptError(shown, f"manifest.json is unreadable ({err.__class__.__name__})") from None
    if not isinstance(raw, dict):
        raise IndexCorruptError(shown, "manifest.json is not an object")
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexVersionError(
            shown,
            f"written in index format {version!r}, this quotebot reads format {FORMAT_VERSION}",
            f"run `quotebot index --index {shown}` to rebuild it",
        )
    try:
        return Manifest(**raw)
    except TypeError as err:
        raise IndexCorruptError(shown, f"manifest.json has unexpected fields ({err})") from None


_SCHEMA = """
CREATE TABLE passages (
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    text TEXT NOT NULL,
    folded TEXT NOT NULL,
    heading TEXT,
    position INTEGER NOT NULL,
    part INTEGER NOT NULL,
    parts INTEGER NOT NULL,
    cite TEXT NOT NULL,
    also_cited TEXT NOT NULL
);
"""


def write_passages(path: Path, passages: Sequence[Passage], folded: Sequence[str]) -> None:
    """Store passages in index order, with the folded text the lexical index was built from."""
    with sqlite3.connect(path) as db:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (row, p.id, p.doc_id, p.text, f, p.heading, p.position, p.part, p.parts, _citation_json(p.cite),
                 f"[{', '.join(_citation_json(c) for c in p.also_cited)}]")
                for row, (p, f) in enumerate(zip(passages, folded, strict=True))
            ),
        )
    # The connection context manager commits but does not close.
    db.close()


def _citation_json(cite: Citation) -> str:
    # vars(), not dataclasses.asdict: a Citation holds only strings and None, and asdict deep-copies each of
    # them (half of writing the passages of a rebuild, profiled).
    return json.dumps(vars(cite), ensure_ascii=False)


def read_passages(path: Path) -> tuple[list[Passage], list[str]]:
    """Read every passage (in index order) and its folded text."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT row, id, doc_id, text, folded, heading, position, part, parts, cite, also_cited FROM passages ORDER BY row"
        ).fetchall()
    finally:
        db.close()
    passages, folded = [], []
    for expected, (row, pid, doc_id, text, fold, heading, position, part, parts, cite, also) in enumerate(rows):
        if row != expected:
            raise ValueError(f"passage rows are not contiguous at {expected}")
        passages.append(
            Passage(
                id=pid, doc_id=doc_id, text=text, heading=heading, position=position, part=part, parts=parts,
                cite=Citation(**json.loads(cite)), also_cited=tuple(Citation(**c) for c in json.loads(also)),
            )
        )
        folded.append(fold)
    return passages, folded
