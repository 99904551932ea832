"""The decline's fit (benchmarks.calibrate_real): the design matrix it fits on."""

from __future__ import annotations

import pytest

from benchmarks.calibrate_real import ANSWERS, Observation, design


def observed(concentration: float | None, share: float) -> Observation:
    signals = {"share": share, "concentration": concentration}
    return Observation("real_answerable", "q", "doc", 1, "", signals, signals)


def test_a_signal_not_measured_counts_at_its_terms_mean() -> None:
    rows = [observed(0.2, 0.5), observed(None, 1.0), observed(0.6, 0.25)]
    x = design(rows, ANSWERS, ["concentration", "share*concentration"])
    assert x[:, 0].tolist() == pytest.approx([0.2, 0.4, 0.6])
    assert x[:, 1].tolist() == pytest.approx([0.1, 0.125, 0.15])
    assert design([observed(None, 1.0)], ANSWERS, ["concentration"]).tolist() == [[0.0]]
