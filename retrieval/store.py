"""The files of an index version: the manifest (JSON) and the passages with their metadata (SQLite).

    index_dir/current/         the version being served (retrieval.layout: versions, lock and caches of an index)
      manifest.json            written last: an index without it was never finished
      passages.sqlite3         passages in index order, with citation metadata and folded text
      lexical/                 the BM25 matrix (retrieval.bm25.Matrix: data, rows, blocks, indptr, idf .npy), vocab.json, params.json
      vectors.faiss            present when dense retrieval is enabled
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from corpus.model import Citation, Passage
from retrieval.errors import IndexCorruptError, IndexMissingError, IndexVersionError

FORMAT_VERSION = 3  # 3: BM25 tf factors in 8 bits; 2: passages as uint16 places in blocks; 1: bm25s's own files
MANIFEST = "manifest.json"
PASSAGES = "passages.sqlite3"
LEXICAL = "lexical"
VECTORS = "vectors.faiss"


@dataclass(frozen=True)
class Indexed:
    """A passage's indexed text, folded: its document's title and its heading (the context, a line each), then its
    body (retrieval.build.indexed_text). Folding keeps lengths, so the parts are spans of ``folded``."""

    folded: str
    context: int  # characters before the body: the title and heading lines (0 when it has neither)
    title: int  # characters of the title, the first line (0 when the document has none)
    position: int = 0  # the paragraph's number within its document, from 0 (corpus.model.Passage.position)
    doc_id: str = ""  # its document's id (retrieval.siblings: which candidates are paragraphs of one document)


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
    # The dense self-test (retrieval.selftest); None in an index built before it (selftest.dense_use says what then).
    dense_weight: float | None = None  # the dense weight of the fusion; 0 when the self-test turned dense retrieval off
    dense_evidence: bool | None = None  # whether the dense similarity counts for the decline
    dense_selftest: dict[str, Any] | None = None  # the self-test's figures and reason (selftest.SelfTest)

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


_BATCH = 500  # rows per query, well under SQLite's limit on bound parameters
_COLUMNS = "row, id, doc_id, text, heading, position, part, parts, cite, also_cited"


def _passage(pid: str, doc_id: str, text: str, heading: str | None, position: int, part: int, parts: int, cite: str, also: str) -> Passage:
    """A Passage from the columns of its SQLite row (after ``row``)."""
    return Passage(
        id=pid, doc_id=doc_id, text=text, heading=heading, position=position, part=part, parts=parts,
        cite=Citation(**json.loads(cite)), also_cited=tuple(Citation(**c) for c in json.loads(also)),
    )


def read_passages(path: Path) -> tuple[list[Passage], list[str]]:
    """Read every passage (in index order) and its folded text (a rebuild needs them all; a search does not)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(f"SELECT {_COLUMNS}, folded FROM passages ORDER BY row").fetchall()
    finally:
        db.close()
    passages, folded = [], []
    for expected, (row, *columns, fold) in enumerate(rows):
        if row != expected:
            raise ValueError(f"passage rows are not contiguous at {expected}")
        passages.append(_passage(*columns))
        folded.append(fold)
    return passages, folded


class PassageStore:
    """The passages of one index version, read from its SQLite file as a search needs them.

    A search needs the folded text of a few dozen candidates and the Passage of a few hits, so nothing is held
    in memory: held as lists and dicts, the passages took 236 MiB of anonymous memory at 100,000 passages
    (measured; ten times that at a million), read here they cost about 0.4 ms more per search (0.13 ms for
    the 30 candidates' texts). Each method is one query (one per 500 rows).

    One connection, opened here and shared by every thread under a lock: a query takes a fraction of a
    millisecond, and a connection opened now keeps the file readable after a build has deleted this version
    (an unlinked file lives on while a descriptor holds it), where a thread's own connection opened later
    would fail. ``row`` is the table's INTEGER PRIMARY KEY and ``id`` is UNIQUE, so both are B-tree lookups.
    """

    def __init__(self, path: Path, name: Path | None = None) -> None:
        """Open the file (sqlite3.Error when it cannot be; ``name``: the index to name in later errors)."""
        self._name = name or path.parent
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        weakref.finalize(self, self._db.close)
        self._lock = threading.Lock()
        count, first, last = self._db.execute("SELECT count(*), min(row), max(row) FROM passages").fetchone()
        if count and (first, last) != (0, count - 1):
            raise ValueError(f"passage rows are not contiguous (rows {first} to {last} for {count} passages)")
        self.count: int = count

    def passage(self, row: int) -> Passage:
        """The passage at a row (IndexError outside 0..count-1)."""
        return self.passages([row])[row]

    def passages(self, rows: Iterable[int]) -> dict[int, Passage]:
        """The passages at these rows, by row."""
        return {row: _passage(*columns) for row, *columns in self._at(_COLUMNS, rows)}

    def indexed(self, rows: Iterable[int]) -> dict[int, Indexed]:
        """The folded (indexed) text of these rows, with where its title and its body begin, its paragraph's place
        in the document and the document's id, by row."""
        found = self._at("row, folded, length(text), json_extract(cite, '$.title'), position, doc_id", rows)
        return {row: Indexed(folded, len(folded) - body, len((title or "").strip()), position, doc_id)
                for row, folded, body, title, position, doc_id in found}

    def candidates(self, rows: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """What the decline's signals read of these rows, in one query: document id, folded text and the document's
        source (publisher; "" where it names none), by row."""
        found = self._at("row, doc_id, folded, cite", rows)
        return {row: (doc_id, folded, json.loads(cite).get("source") or "") for row, doc_id, folded, cite in found}

    def row_of(self, passage_id: str) -> int | None:
        """The row of the passage with this id, or None."""
        found = self._query("SELECT row FROM passages WHERE id = ?", (passage_id,))
        return found[0][0] if found else None

    def paragraph(self, row: int) -> tuple[Passage, ...]:
        """Every part of the paragraph that the passage at a row belongs to, in order of part.

        The parts of a paragraph are consecutive rows (the splitter emits them together; deduplication and the
        build only drop passages), so they lie within parts-1 rows either side, whatever their order; the
        neighbours are checked by document and position, as the table has no index on those.
        """
        first = self.passage(row)
        reach = max(first.parts - 1, 0)
        found = self._query(
            f"SELECT {_COLUMNS} FROM passages WHERE row BETWEEN ? AND ? AND doc_id = ? AND position = ?",
            (row - reach, row + reach, first.doc_id, first.position),
        )
        return tuple(sorted((_passage(*columns) for _, *columns in found), key=lambda p: p.part))

    def _at(self, columns: str, rows: Iterable[int]) -> list[tuple[Any, ...]]:
        """Columns of the rows asked for (``row`` first), in one query per _BATCH rows; IndexError for a row not there."""
        wanted = sorted({int(r) for r in rows})
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            found += self._query(f"SELECT {columns} FROM passages WHERE row IN ({', '.join('?' * len(batch))})", batch)
        if len(found) != len(wanted):
            missing = sorted(set(wanted) - {r[0] for r in found})
            raise IndexError(f"no passage at rows {missing[:5]} (the index has {self.count})")
        return found

    def _query(self, sql: str, parameters: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return self._db.execute(sql, parameters).fetchall()
        except sqlite3.Error as err:
            raise IndexCorruptError(self._name, f"its passages cannot be read ({err.__class__.__name__}: {err})") from None
