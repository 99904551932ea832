"""benchmarks.backends measures the back-ends that are installed and names the install of the others.

Runs with the main environment's packages only: ONNX and OpenVINO need optimum, which is not installed there,
so those back-ends are skipped here with the benchmark's own reason. Nothing here asserts a timing.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmarks.backends import BACKENDS, NEEDS, main


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


@pytest.fixture(scope="module")
def run(minilm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One run of the command over every back-end: 3 English queries, no Chinese data (an empty eval folder)."""
    where = tmp_path_factory.mktemp("backends")
    out = where / "backends.json"
    result = CliRunner().invoke(main, ["--model", str(minilm_path), "--questions", "3", "--passages", "4",
                                       "--eval-dir", str(where / "no-eval"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8")), result.output


@pytest.mark.parametrize("name", BACKENDS)
def test_each_backend_is_measured_or_skipped_for_a_missing_package(run: tuple[dict[str, Any], str], name: str) -> None:
    figures = run[0]["backends"][name]
    missing = [m for m in NEEDS.get(name, ()) if not installed(m)]
    if missing:
        assert not figures["ready"] and missing[0] in figures["note"] and "pip install" in figures["note"]
        pytest.skip(figures["note"])
    assert figures["ready"], figures["note"]  # installed but not loadable is a failure, not a skip
    assert 0.0 <= figures["r1"] <= figures["mrr"] <= 1.0
    assert figures["en_query"]["n"] == 3 and figures["zh_query"]["n"] == 0  # no Chinese data: nothing timed
    assert 0.5 < figures["en_cosine"]["mean"] <= 1.0 + 1e-5 and "zh_cosine" not in figures


def test_fp32_is_the_reference_and_the_table_lists_every_backend(run: tuple[dict[str, Any], str]) -> None:
    result, output = run
    fp32 = result["backends"]["torch-fp32"]
    assert fp32["en_cosine"]["min"] > 0.9999 and fp32["en_cosine"]["texts"] == 40 + 36
    assert result["zh_questions"] == 0 and result["zh_passages"] == 0
    for name in BACKENDS:
        assert f"| {name} |" in output and f"- {name}: " in output
