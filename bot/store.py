"""The bot's SQLite file: question log, feedback, declined questions, and which updates were handled.

One connection, WAL journal, one lock: the bot calls it from the event loop and, rarely, from worker
threads. User ids are never stored: only an HMAC-SHA256 of them, keyed by a secret salt (from the
settings, or generated once and kept in this file). A question is logged before its reply is sent (so
the reply's buttons find it), under a key derived from its update id (so a replayed update rewrites the same
row); once the reply is sent, the row is marked delivered and the update handled in one transaction, so a
restart can tell what was already answered.

Handled updates and the journal are keyed by the bot's id (the numeric prefix of its token, which getMe returns
too): update ids are numbered per bot, so a file reused by another token (a new bot, a test server counting from 1
again) must not take the new bot's updates for ones already handled. Schema 1 kept them without a bot: opening such
a file moves its rows to the bot that opens it first (the bot that wrote them, in the usual upgrade in place).
Replies given up on (bot.delivery's DeliveryFailed) are kept in `undelivered` for /stats.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

SCHEMA_VERSION = 2
HANDLED_KEEP_SECONDS = 2 * 86400  # Telegram keeps unconfirmed updates for 24 hours; twice that is plenty
DAY = 86400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    key TEXT PRIMARY KEY,          -- short random key carried in callback data
    asked_at REAL NOT NULL,        -- unix seconds
    user_hash TEXT NOT NULL,
    chat_kind TEXT NOT NULL,       -- private, group, supergroup, channel, inline
    question TEXT NOT NULL,
    script TEXT NOT NULL,
    answered INTEGER NOT NULL,
    decline TEXT,                  -- a DeclineReason value when declined
    passages TEXT NOT NULL,        -- JSON list of the passage ids shown, in rank order
    delivered INTEGER NOT NULL DEFAULT 0  -- the reply was accepted by Telegram
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions(asked_at);
CREATE TABLE IF NOT EXISTS feedback (
    key TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    vote INTEGER NOT NULL,         -- +1 or -1; a user's later vote on the same answer replaces the earlier
    at REAL NOT NULL,
    PRIMARY KEY (key, user_hash)
);
"""
_BOT_TABLES = """
CREATE TABLE IF NOT EXISTS handled (
    bot_id INTEGER NOT NULL, update_id INTEGER NOT NULL CHECK (typeof(update_id) = 'integer'), at REAL NOT NULL,
    PRIMARY KEY (bot_id, update_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (
    bot_id INTEGER NOT NULL, update_id INTEGER NOT NULL, payload TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (bot_id, update_id)
);
CREATE TABLE IF NOT EXISTS undelivered (
    at REAL NOT NULL, bot_id INTEGER NOT NULL, update_id INTEGER, method TEXT NOT NULL, reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS undelivered_at ON undelivered(at);
"""
_FROM_VERSION_1 = """
ALTER TABLE handled RENAME TO handled_v1;
ALTER TABLE journal RENAME TO journal_v1;
""" + _BOT_TABLES + """
INSERT INTO handled (bot_id, update_id, at) SELECT :bot, update_id, at FROM handled_v1;
INSERT INTO journal (bot_id, update_id, payload, at) SELECT :bot, update_id, payload, at FROM journal_v1;
DROP TABLE handled_v1;
DROP TABLE journal_v1;
"""


class StoreError(RuntimeError):
    """The bot's database cannot be opened or has an unknown layout; the message names the file."""


@dataclass(frozen=True)
class LoggedQuestion:
    """A question as logged: what callbacks need to rebuild or extend the reply."""

    key: str
    question: str
    script: str
    answered: bool
    decline: str | None
    passages: tuple[str, ...]
    asked_at: float


@dataclass(frozen=True)
class DayCount:
    """Questions asked and answered on one UTC day."""

    day: str  # YYYY-MM-DD
    questions: int
    answered: int


@dataclass(frozen=True)
class Stats:
    """What /stats shows, over the retained log."""

    questions: int
    answered: int
    declined: dict[str, int]  # decline reason → count
    thumbs_up: int
    thumbs_down: int
    days: tuple[DayCount, ...]  # the last N days, oldest first, zeros included
    undelivered: int = 0  # replies given up on after the retry window (any bot using this file)

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class Unanswered:
    """A declined question with how often it was asked (folded by exact text)."""

    question: str
    count: int
    last_asked: float


class Store:
    """The bot's SQLite file. Thread-safe; every method is one short transaction."""

    def __init__(self, path: Path, *, salt: str = "", clock: Callable[[], float] = time.time, bot_id: int = 0) -> None:
        self.path = Path(path)
        self.bot_id = bot_id  # whose updates `handled` and `journal` speak of (see the module docstring)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
            self._upgrade()
        except (OSError, sqlite3.Error) as err:
            raise StoreError(f"cannot open the bot database {self.path}: {err}") from None
        self._salt = (salt or self._stored_salt()).encode()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._db.close()

    # -- identity -----------------------------------------------------------------------------

    def user_hash(self, user_id: int) -> str:
        """HMAC-SHA256 of a Telegram user id under the secret salt (hex, 32 characters)."""
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def key_for(self, update_id: int) -> str:
        """The short key (8 URL-safe characters) a question is logged under and its buttons carry.

        Derived from the update id, so a replayed update reuses its row; keyed by the salt, so nobody can
        guess the key of someone else's question."""
        digest = hmac.new(self._salt, f"update:{update_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:6]).decode()

    # -- updates handled ----------------------------------------------------------------------

    def is_handled(self, update_id: int) -> bool:
        """Whether this update was already handled (answered, refused or skipped)."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM handled WHERE bot_id = ? AND update_id = ?", (self.bot_id, update_id)).fetchone()
        return row is not None

    def mark_handled(self, update_id: int) -> None:
        """Record an update as handled and drop it from the journal."""
        with self._lock, self._transaction():
            self._mark(update_id)

    def last_handled(self) -> int | None:
        """The highest update id handled, or None before the first."""
        with self._lock:
            row = self._db.execute("SELECT MAX(update_id) FROM handled WHERE bot_id = ?", (self.bot_id,)).fetchone()
        return row[0]

    def journal(self, update_id: int, payload: dict[str, object]) -> None:
        """Keep a fetched update until it is handled, so a crash between fetch and reply loses nothing."""
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO journal (bot_id, update_id, payload, at) "
                "SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM handled WHERE bot_id = ? AND update_id = ?)",
                (self.bot_id, update_id, json.dumps(payload, ensure_ascii=False), self._clock(), self.bot_id, update_id),
            )

    def pending(self) -> list[dict[str, object]]:
        """Journaled updates not yet handled, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT payload FROM journal j WHERE bot_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM handled h WHERE h.bot_id = j.bot_id AND h.update_id = j.update_id) ORDER BY update_id",
                (self.bot_id,),
            ).fetchall()
        return [json.loads(payload) for (payload,) in rows]

    def record_undelivered(self, update_id: int | None, method: str, reason: str) -> None:
        """Keep a reply given up on (for /stats); its update counts as handled: a restart does not try again."""
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO undelivered (at, bot_id, update_id, method, reason) VALUES (?, ?, ?, ?, ?)",
                (self._clock(), self.bot_id, update_id, method, reason[:500]),
            )
            if update_id is not None:
                self._mark(update_id)

    # -- questions ----------------------------------------------------------------------------

    def log_question(
        self,
        *,
        key: str,
        user_id: int,
        chat_kind: str,
        question: str,
        script: str,
        answered: bool,
        decline: str | None,
        passages: Sequence[str],
    ) -> None:
        """Log a question before its reply is sent (a replay of the same update rewrites the row)."""
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO questions "
                "(key, asked_at, user_hash, chat_kind, question, script, answered, decline, passages, delivered) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (key, self._clock(), self.user_hash(user_id), chat_kind, question, script, int(answered), decline, json.dumps(list(passages))),
            )

    def mark_delivered(self, key: str, update_id: int | None, *, delivered: bool = True) -> None:
        """After the reply: in one transaction, record whether it was delivered and mark its update handled."""
        with self._lock, self._transaction():
            self._db.execute("UPDATE questions SET delivered = ? WHERE key = ?", (int(delivered), key))
            if update_id is not None:
                self._mark(update_id)

    def question(self, key: str) -> LoggedQuestion | None:
        """The logged question under a callback key, or None when unknown or past retention."""
        with self._lock:
            row = self._db.execute(
                "SELECT key, question, script, answered, decline, passages, asked_at FROM questions WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        return LoggedQuestion(row[0], row[1], row[2], bool(row[3]), row[4], tuple(json.loads(row[5])), row[6])

    def add_passages(self, key: str, passage_ids: Iterable[str]) -> None:
        """Append passage ids shown on a later page ("more results") to a logged question."""
        with self._lock, self._transaction():
            row = self._db.execute("SELECT passages FROM questions WHERE key = ?", (key,)).fetchone()
            if row is None:
                return
            shown = json.loads(row[0])
            shown.extend(p for p in passage_ids if p not in shown)
            self._db.execute("UPDATE questions SET passages = ? WHERE key = ?", (json.dumps(shown), key))

    def record_feedback(self, key: str, user_id: int, vote: int) -> bool:
        """Record 👍 (+1) or 👎 (-1) for an answer; False when the key is unknown."""
        if vote not in (1, -1):
            raise ValueError(f"vote must be +1 or -1, got {vote}")
        with self._lock, self._transaction():
            if self._db.execute("SELECT 1 FROM questions WHERE key = ?", (key,)).fetchone() is None:
                return False
            self._db.execute(
                "INSERT INTO feedback (key, user_hash, vote, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key, user_hash) DO UPDATE SET vote = excluded.vote, at = excluded.at",
                (key, self.user_hash(user_id), vote, self._clock()),
            )
        return True

    # -- staff views --------------------------------------------------------------------------

    def stats(self, days: int = 7) -> Stats:
        """Totals over the retained log, and per UTC day for the last `days` days."""
        with self._lock:
            total, answered = self._db.execute("SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM questions").fetchone()
            declined = dict(
                self._db.execute("SELECT decline, COUNT(*) FROM questions WHERE decline IS NOT NULL GROUP BY decline").fetchall()
            )
            up, down = self._db.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM feedback"
            ).fetchone()
            (undelivered,) = self._db.execute("SELECT COUNT(*) FROM undelivered").fetchone()
            today = datetime.fromtimestamp(self._clock(), UTC).date()
            first = today - timedelta(days=days - 1)
            start = datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp()
            per_day = {
                day: (n, a)
                for day, n, a in self._db.execute(
                    "SELECT date(asked_at, 'unixepoch') AS day, COUNT(*), SUM(answered) FROM questions "
                    "WHERE asked_at >= ? GROUP BY day",
                    (start,),
                ).fetchall()
            }
        series = []
        for offset in range(days):
            day = (first + timedelta(days=offset)).isoformat()
            n, a = per_day.get(day, (0, 0))
            series.append(DayCount(day, n, a))
        return Stats(total, answered, declined, up, down, tuple(series), undelivered)

    def unanswered(self, limit: int = 20, reasons: Sequence[str] = ("not_covered",)) -> list[Unanswered]:
        """Recent declined questions, newest first, identical texts folded with their counts."""
        marks = ",".join("?" * len(reasons))
        with self._lock:
            rows = self._db.execute(
                f"SELECT question, COUNT(*), MAX(asked_at) AS last FROM questions WHERE decline IN ({marks}) "
                "GROUP BY question ORDER BY last DESC LIMIT ?",
                (*reasons, limit),
            ).fetchall()
        return [Unanswered(q, n, last) for q, n, last in rows]

    def purge(self, retention_days: int) -> int:
        """Delete questions and feedback older than the retention, and old bookkeeping; returns rows deleted."""
        now = self._clock()
        with self._lock, self._transaction():
            deleted = 0
            if retention_days > 0:
                cutoff = now - retention_days * DAY
                old = "SELECT key FROM questions WHERE asked_at < ?"
                deleted += self._db.execute(f"DELETE FROM feedback WHERE key IN ({old})", (cutoff,)).rowcount
                deleted += self._db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
                deleted += self._db.execute("DELETE FROM feedback WHERE at < ?", (cutoff,)).rowcount
                deleted += self._db.execute("DELETE FROM undelivered WHERE at < ?", (cutoff,)).rowcount
            deleted += self._db.execute("DELETE FROM handled WHERE at < ?", (now - HANDLED_KEEP_SECONDS,)).rowcount
            deleted += self._db.execute("DELETE FROM journal WHERE at < ?", (now - HANDLED_KEEP_SECONDS,)).rowcount
        return deleted

    # -- internals ----------------------------------------------------------------------------

    def _mark(self, update_id: int) -> None:
        self._db.execute(
            "INSERT INTO handled (bot_id, update_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (self.bot_id, update_id, self._clock()),
        )
        self._db.execute("DELETE FROM journal WHERE bot_id = ? AND update_id = ?", (self.bot_id, update_id))

    def _upgrade(self) -> None:
        """Create the tables of this schema version, moving a version 1 file's rows to this bot (module docstring)."""
        version = self._meta("schema_version")
        if version not in (None, "1", str(SCHEMA_VERSION)):
            raise StoreError(f"{self.path} has schema version {version}; this quotebot reads version {SCHEMA_VERSION}")
        with self._transaction():
            if version == "1":
                for statement in _FROM_VERSION_1.split(";"):
                    if statement.strip():
                        self._db.execute(statement, {"bot": self.bot_id} if ":bot" in statement else {})
            else:
                for statement in _BOT_TABLES.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            self._set_meta("schema_version", str(SCHEMA_VERSION))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _stored_salt(self) -> str:
        # Generated once and kept here, so hashes stay comparable across restarts without configuration.
        salt = self._meta("salt")
        if salt is None:
            salt = secrets.token_hex(32)
            self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)", (salt,))
            salt = self._meta("salt") or salt
        return salt


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on error (the connection runs in autocommit mode)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
