"""Small measuring helpers: percentiles, peak memory of this process, size of a directory, the machine."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
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
    """Total size of the files under path (following a symbolic link at path)."""
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


class NoMemoryCap(RuntimeError):
    """This machine does not let the process put itself in a memory cgroup (no permission, no controller)."""


@dataclass(frozen=True)
class MemoryCap:
    """The memory cgroup a process moved itself into, and the file of the group's peak usage."""

    group: Path
    peak_file: str

    def peak_mib(self) -> float | None:
        """The most memory the group has held (anonymous + the page cache charged to it), in MiB."""
        try:
            return int((self.group / self.peak_file).read_text()) / 2**20
        except (OSError, ValueError):
            return None


def cap_memory(limit_mib: int) -> MemoryCap:
    """Move this process into a new memory cgroup that holds at most ``limit_mib`` MiB (Linux, cgroup v1 or v2).

    The limit counts what the kernel charges to the group: anonymous memory and the page cache the group reads
    in. Past the limit the kernel takes back page cache first (for a memory-mapped index, pages it can read again)
    and kills the process only when anonymous memory alone does not fit: a run that finishes fits in that memory.
    The empty groups of earlier runs are removed.
    """
    lines = Path("/proc/self/cgroup").read_text().splitlines()
    v1 = [line.split(":", 2)[2] for line in lines if "memory" in line.split(":", 2)[1].split(",")]
    if v1:
        group, limit_file, peak_file = Path("/sys/fs/cgroup/memory") / v1[0].lstrip("/"), "memory.limit_in_bytes", "memory.max_usage_in_bytes"
    else:
        unified = next((line.split("::", 1)[1] for line in lines if line.startswith("0::")), "/")
        group, limit_file, peak_file = Path("/sys/fs/cgroup") / unified.lstrip("/"), "memory.max", "memory.peak"
    for stale in group.glob("quotebot-bench-*"):  # groups of earlier runs, empty once their process ended
        try:
            stale.rmdir()
        except OSError:
            pass
    child = group / f"quotebot-bench-{os.getpid()}"
    try:
        child.mkdir()
        (child / limit_file).write_text(str(limit_mib * 2**20))
        (child / "cgroup.procs").write_text(str(os.getpid()))
    except OSError as err:
        raise NoMemoryCap(f"cannot make a memory cgroup under {group} ({err})") from err
    return MemoryCap(child, peak_file)


def drop_page_cache(directory: Path) -> None:
    """Ask the kernel to drop the cached pages of the files under directory (posix_fadvise DONTNEED), so that a
    measurement reads them in itself, as a freshly started server does, and they are charged to its cgroup."""
    for path in Path(directory).resolve().rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
