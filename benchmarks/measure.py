"""Small measuring helpers: percentiles, peak memory of this process, size of a directory, the machine."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean in milliseconds, and the count."""
    if not seconds:
        return {"n": 0}
    ms = np.asarray(seconds, dtype=np.float64) * 1000.0
    return {"n": int(ms.size), "p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)),
            "p99": float(np.percentile(ms, 99)), "mean": float(ms.mean())}


def memory_mib() -> dict[str, float]:
    """This process's resident memory now (VmRSS: RssAnon + RssFile + RssShmem) and at its peak so far (VmHWM),
    in MiB (Linux). RssFile is mapped files' pages (the BM25 matrix), which the kernel may drop; RssAnon it may not."""
    out: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0]) / 1024.0
    except OSError:
        pass
    return out


def tree_bytes(path: Path) -> int:
    """Total size of the files under path (following the index's version link)."""
    path = Path(path).resolve()
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def machine() -> dict[str, str]:
    """What the figures were measured on, and when, and at which commit."""
    try:
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit, dirty = "unknown", ""
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "commit": commit + (" (working tree has uncommitted changes)" if dirty else ""),
        "load": load,
    }
