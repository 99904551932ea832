"""The bot's SQLite file: a real file on disk, reopened where persistence matters."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store, StoreError

NOON = datetime(2024, 3, 10, 12, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float = NOON) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _log(store: Store, key: str, *, user: int = 1, question: str = "q", answered: bool = True, decline: str | None = None, update_id: int | None = None) -> None:
    store.log_question(
        key=key, user_id=user, chat_kind="private", question=question, script="simplified",
        answered=answered, decline=decline, passages=["p1", "p2"] if answered else [],
    )
    if update_id is not None:
        store.mark_delivered(key, update_id)


def test_wal_mode_and_file_on_disk(tmp_path: Path) -> None:
    store = Store(tmp_path / "sub" / "bot.sqlite3")
    store.close()
    db = sqlite3.connect(tmp_path / "sub" / "bot.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_user_ids_are_hashed_never_stored(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Store(path, salt="pepper")
    _log(store, "k1", user=123456789)
    store.record_feedback("k1", 123456789, 1)
    store.close()
    raw = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes() if path.with_name(path.name + "-wal").exists() else b"")
    assert b"123456789" not in raw
    assert b"pepper" not in raw  # a configured salt is not written to the file
    assert Store(path, salt="pepper").user_hash(123456789) == store.user_hash(123456789)
    assert Store(path, salt="other").user_hash(123456789) != store.user_hash(123456789)


def test_generated_salt_is_kept_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    first = Store(path).user_hash(42)
    assert Store(path).user_hash(42) == first
    assert Store(tmp_path / "other.sqlite3").user_hash(42) != first


def test_question_roundtrip_and_more_passages(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3")
    _log(store, "abc", question="中欧班列开行多少列？")
    store.add_passages("abc", ["p2", "p3"])
    logged = store.question("abc")
    assert logged is not None
    assert logged.question == "中欧班列开行多少列？"
    assert logged.passages == ("p1", "p2", "p3")
    assert store.question("nope") is None


def test_delivery_and_handled_update_share_a_transaction(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    _log(store, "first", update_id=7)
    _log(store, "second")
    with pytest.raises(sqlite3.IntegrityError):
        # the row is marked delivered, then marking the update fails (not an integer): both must roll back
        store.mark_delivered("second", "not-an-id")  # type: ignore[arg-type]
    db = sqlite3.connect(path)
    assert db.execute("SELECT key, delivered FROM questions ORDER BY key").fetchall() == [("first", 1), ("second", 0)]
    assert store.is_handled(7)
    assert Store(path).last_handled() == 7


def test_a_replayed_update_rewrites_its_row(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3", salt="s")
    key = store.key_for(41)
    assert key == store.key_for(41) != store.key_for(42)
    assert len(key) == 8 and key.isascii()
    _log(store, key, question="first try")
    _log(store, key, question="first try", update_id=41)  # the process died before the reply; replayed
    assert store.stats().questions == 1
    assert Store(tmp_path / "bot.sqlite3", salt="other").key_for(41) != key


def test_journal_keeps_unhandled_updates_until_handled(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    store.journal(5, {"update_id": 5, "message": {"text": "一"}})
    store.journal(6, {"update_id": 6})
    store.mark_handled(5)
    store.journal(5, {"update_id": 5})  # fetched again after a restart: already handled, not journaled
    reopened = Store(path)
    assert reopened.pending() == [{"update_id": 6}]
    assert reopened.is_handled(5) and not reopened.is_handled(6)


def test_feedback_one_vote_per_user_per_answer(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3")
    _log(store, "k")
    assert store.record_feedback("k", 1, 1)
    assert store.record_feedback("k", 1, -1)  # changed their mind
    assert store.record_feedback("k", 2, 1)
    assert not store.record_feedback("gone", 1, 1)
    stats = store.stats()
    assert (stats.thumbs_up, stats.thumbs_down) == (1, 1)
    with pytest.raises(ValueError):
        store.record_feedback("k", 1, 0)


def test_stats_by_day_and_unanswered(tmp_path: Path) -> None:
    clock = Clock(NOON - 2 * 86400)
    store = Store(tmp_path / "bot.sqlite3", clock=clock)
    _log(store, "a")
    _log(store, "b", answered=False, decline="not_covered", question="天气怎么样")
    clock.now = NOON
    _log(store, "c")
    _log(store, "d", answered=False, decline="greeting", question="你好")
    _log(store, "e", answered=False, decline="not_covered", question="地铁几点开")
    clock.now = NOON + 60
    _log(store, "f", answered=False, decline="not_covered", question="天气怎么样")
    stats = store.stats(days=7)
    assert (stats.questions, stats.answered) == (6, 2)
    assert stats.declined == {"not_covered": 3, "greeting": 1}
    assert stats.answered_share == pytest.approx(2 / 6)
    assert [d.day for d in stats.days][-1] == "2024-03-10"
    assert len(stats.days) == 7
    by_day = {d.day: (d.questions, d.answered) for d in stats.days}
    assert by_day["2024-03-08"] == (2, 1)
    assert by_day["2024-03-10"] == (4, 1)
    assert by_day["2024-03-09"] == (0, 0)
    missing = store.unanswered()
    assert [(u.question, u.count) for u in missing] == [("天气怎么样", 2), ("地铁几点开", 1)]  # newest first, greetings left out


def test_retention_deletes_old_questions_and_their_feedback(tmp_path: Path) -> None:
    clock = Clock(NOON - 100 * 86400)
    store = Store(tmp_path / "bot.sqlite3", clock=clock)
    _log(store, "old", update_id=1)
    store.record_feedback("old", 1, 1)
    clock.now = NOON
    _log(store, "new", update_id=2)
    assert store.purge(retention_days=90) >= 3  # the question, its vote, its handled mark
    assert store.question("old") is None and store.question("new") is not None
    assert store.stats().thumbs_up == 0
    assert not store.is_handled(1) and store.is_handled(2)
    assert store.purge(retention_days=0) == 0  # 0 keeps the log forever


def test_concurrent_writers_from_threads(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3")

    def write(n: int) -> None:
        for i in range(50):
            _log(store, f"{n}-{i}", update_id=n * 1000 + i)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.stats().questions == 200


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bot.sqlite3"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="bot.sqlite3"):
        Store(bad)


def test_keys_are_short_and_distinct(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3")
    keys = {store.key_for(update_id) for update_id in range(10000)}
    assert len(keys) == 10000
    assert all(len(k) == 8 and ":" not in k for k in keys)


def test_handled_updates_belong_to_one_bot(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    first = Store(path, bot_id=111)
    first.journal(1, {"update_id": 1})
    first.journal(2, {"update_id": 2})
    first.mark_handled(1)
    other = Store(path, bot_id=222)  # another token on the same file, its updates numbered from 1 too
    assert not other.is_handled(1) and other.pending() == []
    other.journal(1, {"update_id": 1, "other": True})
    assert other.pending() == [{"update_id": 1, "other": True}]
    assert first.is_handled(1) and first.pending() == [{"update_id": 2}]


def test_schema_1_rows_go_to_the_bot_that_opens_the_file_first(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('schema_version', '1');"
        "CREATE TABLE handled (update_id INTEGER PRIMARY KEY, at REAL NOT NULL);"
        "CREATE TABLE journal (update_id INTEGER PRIMARY KEY, payload TEXT NOT NULL, at REAL NOT NULL);"
        "INSERT INTO handled VALUES (7, 1.0);"
        "INSERT INTO journal VALUES (8, '{\"update_id\": 8}', 1.0);"
    )
    db.commit()
    db.close()
    upgraded = Store(path, bot_id=555)
    assert upgraded.is_handled(7) and upgraded.pending() == [{"update_id": 8}]
    assert sqlite3.connect(path).execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
    later = Store(path, bot_id=666)
    assert not later.is_handled(7) and later.pending() == []
    assert Store(path, bot_id=555).is_handled(7)


def test_replies_given_up_on_are_counted(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.sqlite3", bot_id=1)
    store.record_undelivered(9, "sendMessage", "NetworkError: Bad Gateway")
    assert store.stats().undelivered == 1 and store.is_handled(9)
