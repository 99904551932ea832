"""The term cache: each passage's folded text and counted terms, kept in the index directory beside its versions, so
a rebuild tokenises only new text (folding and tokenising, jieba above all, are most of a cold lexical build).

Entries are keyed by (term scheme, text hash); another scheme never sees them. An entry holds the folded text
and the passage's distinct terms as int32 ids with their counts; the ids number the scheme's vocabulary, which
is stored beside the entries in blocks of newline-separated terms, each block written in the same transaction
as the entries that first use its terms. Reading a passage back is then a decompression and two buffer views,
with no per-term Python work, which is what makes a rebuild cheap.

The cache must never fail a build: a file SQLite cannot read is replaced by an empty one, a vocabulary that
does not add up drops the scheme's entries, an unreadable entry is tokenised again, and an error later on
turns the cache off for the rest of the build; each with a warning (``warnings``). Deleting the file costs
time, not data; like the embedding cache it keeps entries of passages since removed.
"""

from __future__ import annotations

import logging
import sqlite3
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.layout import TERM_CACHE

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (scheme TEXT NOT NULL, hash TEXT NOT NULL, entry BLOB NOT NULL, PRIMARY KEY (scheme, hash));
CREATE TABLE IF NOT EXISTS vocabulary (scheme TEXT NOT NULL, first INTEGER NOT NULL, terms BLOB NOT NULL, PRIMARY KEY (scheme, first));
"""
_CHUNK = 500  # SQLite limits the number of parameters of one statement
_HEADER = struct.Struct("<II")  # an entry: byte length of the folded text, number of distinct terms


def term_cache_path(index_dir: Path) -> Path:
    """Where the term cache of an index directory lives."""
    return index_dir / TERM_CACHE


@dataclass(frozen=True)
class PassageTerms:
    """What the lexical index needs of a passage: its folded text, its distinct term ids and their counts."""

    folded: str
    ids: np.ndarray  # int32 ids in the scheme's cached vocabulary
    counts: np.ndarray  # int32, one per id

    def pack(self) -> bytes:
        folded = self.folded.encode("utf-8")
        ids, counts = (np.ascontiguousarray(a, dtype="<i4").tobytes() for a in (self.ids, self.counts))
        return zlib.compress(_HEADER.pack(len(folded), len(self.ids)) + folded + ids + counts, 1)

    @classmethod
    def unpack(cls, blob: bytes, vocabulary_size: int) -> PassageTerms | None:
        """The entry, or None when the blob is not one or names terms the vocabulary lacks."""
        try:
            raw = zlib.decompress(blob)  # its checksum catches a damaged blob
            folded_size, n = _HEADER.unpack_from(raw)
            start = _HEADER.size + folded_size
            if len(raw) != start + 8 * n:
                return None
            folded = raw[_HEADER.size : start].decode("utf-8")
            # Copies, so that the passage's arrays do not keep the whole decompressed entry alive.
            ids = np.frombuffer(raw, dtype="<i4", count=n, offset=start).astype(np.int32)
            counts = np.frombuffer(raw, dtype="<i4", count=n, offset=start + 4 * n).astype(np.int32)
        except (zlib.error, struct.error, UnicodeDecodeError, ValueError, TypeError):
            return None
        if n and (int(ids.min()) < 0 or int(ids.max()) >= vocabulary_size or int(counts.min()) <= 0):
            return None
        return cls(folded, ids, counts)


class TermCache:
    """Term cache entries and vocabulary blocks in SQLite (see the module's docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except sqlite3.Error as err:
            self._db = self._start_afresh(err)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.executescript(_SCHEMA)
            db.execute("SELECT scheme, hash, entry FROM terms LIMIT 1").fetchall()
        except BaseException:
            db.close()
            raise
        return db

    def _start_afresh(self, err: Exception) -> sqlite3.Connection | None:
        try:
            self.path.unlink(missing_ok=True)
            db = self._open()
        except (OSError, sqlite3.Error) as again:
            self._warn(f"the term cache {self.path} cannot be used ({err}; then {again}); every passage is tokenised")
            return None
        self._warn(f"the term cache {self.path} was unreadable ({err}) and was started afresh; every passage is tokenised")
        return db

    def _warn(self, message: str) -> None:
        log.warning("%s", message)
        self.warnings.append(message)

    def _fail(self, err: sqlite3.Error) -> None:
        self._warn(f"the term cache {self.path} failed ({err}); it is not used for the rest of this build")
        self.close()

    def vocabulary(self, scheme: str) -> list[str]:
        """The scheme's cached terms, in id order (empty, and the scheme's entries dropped, if they do not add up)."""
        if self._db is None:
            return []
        terms: list[str] = []
        try:
            for first, blob in self._db.execute("SELECT first, terms FROM vocabulary WHERE scheme = ? ORDER BY first", [scheme]):
                block = _unpack_terms(blob)
                if first != len(terms) or block is None:
                    self._warn(f"the term cache {self.path} has a damaged vocabulary; its entries were dropped and every passage is tokenised")
                    with self._db:
                        self._db.execute("DELETE FROM terms WHERE scheme = ?", [scheme])
                        self._db.execute("DELETE FROM vocabulary WHERE scheme = ?", [scheme])
                    return []
                terms.extend(block)
        except sqlite3.Error as err:
            self._fail(err)
            return []
        return terms

    def get(self, scheme: str, hashes: Sequence[str], vocabulary_size: int) -> dict[str, PassageTerms]:
        """The readable cached entries among these hashes."""
        found: dict[str, PassageTerms] = {}
        try:
            for start in range(0, len(hashes), _CHUNK):
                if self._db is None:
                    break
                chunk = list(hashes[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT hash, entry FROM terms WHERE scheme = ? AND hash IN ({marks})", [scheme, *chunk])
                for key, blob in rows:
                    entry = PassageTerms.unpack(blob, vocabulary_size) if isinstance(blob, bytes) else None
                    if entry is not None:
                        found[key] = entry
        except sqlite3.Error as err:
            self._fail(err)
        return found

    def put(self, scheme: str, first: int, new_terms: Sequence[str], entries: Iterable[tuple[str, PassageTerms]]) -> None:
        """Store entries with the terms they added to the vocabulary (ids from ``first`` on), in one transaction."""
        if self._db is None:
            return
        try:
            with self._db:
                if new_terms:
                    self._db.execute("INSERT INTO vocabulary VALUES (?, ?, ?)", (scheme, first, _pack_terms(new_terms)))
                self._db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?, ?)", ((scheme, key, e.pack()) for key, e in entries))
        except sqlite3.Error as err:
            self._fail(err)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _pack_terms(terms: Sequence[str]) -> bytes:
    joined = "\n".join(terms)
    if joined.count("\n") != len(terms) - 1:
        raise ValueError("a lexical term contains a line break; a term scheme must not produce one")
    return zlib.compress(joined.encode("utf-8"), 1)


def _unpack_terms(blob: object) -> list[str] | None:
    try:
        return zlib.decompress(blob).decode("utf-8").split("\n")  # type: ignore[arg-type]
    except (zlib.error, UnicodeDecodeError, TypeError):
        return None
