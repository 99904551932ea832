"""Where a process's CPU went, by part of the system: shares of the samples of a py-spy profile.

    py-spy record --nonblocking --threads --idle=false --format raw -o profile.txt -- python -m benchmarks.worker chats ...
    python -m benchmarks.profile_share profile.txt

py-spy's raw format is one line per distinct stack: frames separated by ``;`` (outermost first), then the number
of samples. Each stack is put under the first part, innermost frame first, that one of its frames belongs to (so
time in NumPy called from BM25 counts as BM25, time in json called by python-telegram-bot as the bot library), and
the shares are printed as a table.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

# (part, substrings of a frame's "function (file:line)" text), tried innermost frame first, the first match wins.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("question encoder (ONNX Runtime / PyTorch)", ("onnxruntime", "onnx_encoder.py", "torch/", "sentence_transformers", "transformers/")),
    ("BM25 and sentence coverage", ("retrieval/lexical.py", "retrieval/bm25.py", "retrieval/evidence.py", "retrieval/text.py", "opencc", "jieba")),
    ("rest of the search (vectors, fusion, passages)", ("retrieval/", "faiss")),
    ("reply formatting", ("bot/format.py", "bot/buttons.py", "bot/texts.py", "bot/language.py")),
    ("question log (SQLite)", ("bot/store.py", "sqlite3")),
    ("bot handlers and rate limit", ("bot/",)),
    ("fake Bot API server (stands in for Telegram)", ("tests/fakes/",)),
    ("load generator (benchmarks.chats)", ("benchmarks/",)),
    ("python-telegram-bot", ("telegram/",)),
    ("HTTP client (httpx / httpcore)", ("httpx", "httpcore", "h11", "anyio")),
    ("HTTP server (http.server, socketserver)", ("http/server.py", "socketserver.py")),
    ("asyncio event loop", ("asyncio/",)),
    ("threads waiting or starting", ("threading.py", "concurrent/futures")),
)


def shares(lines: list[str]) -> Counter[str]:
    """Samples per part."""
    out: Counter[str] = Counter()
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")[::-1]
        part = next((name for frame in frames for name, marks in PARTS if any(mark in frame for mark in marks)), "other")
        out[part] += int(count)
    return out


def main(path: str) -> None:
    counted = shares(Path(path).read_text(encoding="utf-8", errors="replace").splitlines())
    total = sum(counted.values()) or 1
    print(f"{total:,} samples")
    print("| part | share of the samples |")
    print("| --- | --- |")
    for name, n in counted.most_common():
        print(f"| {name} | {100 * n / total:.1f}% |")


if __name__ == "__main__":
    main(sys.argv[1])
