"""`quotebot model pull` and `quotebot model check`, and the hub they use: the one HF_ENDPOINT names (a mirror).

The pull is tested for real against a stand-in hub mirror on 127.0.0.1 serving the offline MiniLM's files
(tests/fakes/model_hub.py), in a subprocess with HF_ENDPOINT and HF_HOME set, as an operator would run it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from retrieval.config import DEFAULT_MODEL
from tests.conftest import REPO
from tests.fakes.model_hub import FakeModelHub

MINILM_REPO = "sentence-transformers/all-MiniLM-L6-v2"


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _quotebot(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """quotebot in a fresh process with this environment (huggingface_hub reads HF_* once, at import)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "QUOTEBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=REPO, env={**base, "HF_HUB_DISABLE_TELEMETRY": "1", **env},
        capture_output=True, text=True, timeout=timeout,
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_check_reports_dimension_and_unknown_tokens_of_a_local_model(minilm_path: Path) -> None:
    result = _run("model", "check", str(minilm_path))
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert "\n" not in line and f"loads offline from {minilm_path}" in line and "384 dimensions" in line
    assert "0.0% of the English probe" in line
    assert "cannot read Chinese" in line  # MiniLM turns most Chinese characters into [UNK]


def test_check_takes_the_model_from_quotebot_model(minilm_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUOTEBOT_MODEL", str(minilm_path))
    result = _run("model", "check")
    assert result.exit_code == 0 and "384 dimensions" in result.stdout


def test_check_of_a_missing_model_is_one_line_naming_the_ways_to_get_it() -> None:
    result = _run("model", "check")
    assert result.exit_code == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("quotebot model check:") and DEFAULT_MODEL in line
    for way in ("quotebot model pull", "HF_ENDPOINT", "QUOTEBOT_MODEL to a local model directory", "QUOTEBOT_MODEL=none"):
        assert way in line


def test_check_of_a_folder_that_is_not_a_model_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    result = _run("model", "check", str(tmp_path))
    assert result.exit_code == 2 and "does not work" in result.stderr and result.stderr.strip().count("\n") == 0


def test_pull_with_downloads_turned_off_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    # huggingface_hub reads HF_HUB_OFFLINE once, when first imported, which may be before the tests' fixture sets it.
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    result = _run("model", "pull")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "HF_HUB_OFFLINE" in result.stderr


def test_pull_probes_the_configured_endpoint_and_fails_cleanly_when_it_is_down(tmp_path: Path) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    done = _quotebot({"HF_ENDPOINT": endpoint, "HF_HOME": str(tmp_path / "hf"), "QUOTEBOT_HOME": str(tmp_path / "home")}, "model", "pull", timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    line = done.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert f"the model hub at {endpoint} cannot be reached" in line and "HF_ENDPOINT" in line and "QUOTEBOT_MODEL" in line


@pytest.mark.slow  # three processes that load torch
def test_pull_through_a_mirror_then_check_offline(tmp_path: Path, minilm_path: Path) -> None:
    env = {"HF_HOME": str(tmp_path / "hf"), "QUOTEBOT_HOME": str(tmp_path / "home")}
    with FakeModelHub(MINILM_REPO, minilm_path) as hub:
        pulled = _quotebot({**env, "HF_ENDPOINT": hub.url}, "model", "pull", MINILM_REPO)
        assert pulled.returncode == 0, pulled.stderr
        downloads = [path for method, path in hub.requests if method == "GET" and "/resolve/" in path]
        assert any(path.endswith("/model.safetensors") for path in downloads)  # the weights came from the mirror
    assert "384 dimensions" in pulled.stdout and str(tmp_path / "hf") in pulled.stdout
    # The mirror is gone: the model now loads from the cache alone, with downloads turned off.
    checked = _quotebot({**env, "HF_HUB_OFFLINE": "1"}, "model", "check", MINILM_REPO)
    assert checked.returncode == 0, checked.stderr
    assert "384 dimensions" in checked.stdout and "loads offline" in checked.stdout
    # And an index built with that name uses it, offline.
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "library.txt").write_text("Library hours\n\nThe central library is open from nine until eight on weekdays.\n", encoding="utf-8")
    built = _quotebot({**env, "HF_HUB_OFFLINE": "1", "QUOTEBOT_MODEL": MINILM_REPO}, "index", str(docs), "--index", str(tmp_path / "index"))
    assert "dense retrieval with sentence-transformers/all-MiniLM-L6-v2" in built.stdout, built.stderr
