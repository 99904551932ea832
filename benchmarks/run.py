"""Run the benchmark suite and write the figures: ``python -m benchmarks.run --size 10000 [--size 100000] ...``.

Every phase runs in its own process (benchmarks.worker) so that its peak memory is its own; the raw results
are kept as JSON beside the generated corpora in benchmarks/data/, and the report is written as Markdown.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from benchmarks.measure import machine
from benchmarks.scale import EVAL_FILES
from benchmarks.worker import Options


def run_phase(phase: str, opts: Options, *, timeout: float | None = None) -> dict[str, Any]:
    """Run one phase in a child process and return its result (the child's failure is raised as one line)."""
    result = Path(opts.data_dir) / f"result-{phase}-{opts.size}-{'dense' if opts.dense else 'lexical'}.json"
    result.unlink(missing_ok=True)
    started = time.perf_counter()
    click.echo(f"[{time.strftime('%H:%M:%S')}] {phase} at {opts.size:,} passages ({'dense' if opts.dense else 'lexical'})", err=True)
    proc = subprocess.run([sys.executable, "-m", "benchmarks.worker", phase, json.dumps(asdict(opts)), str(result)],
                          capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0 or not result.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise click.ClickException(f"the {phase} phase at {opts.size} failed: {tail[0]}")
    click.echo(f"    done in {time.perf_counter() - started:.0f} s", err=True)
    return json.loads(result.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@click.command()
@click.option("--size", "sizes", type=int, multiple=True, default=(10_000,), show_default=True, help="Passages in the scale corpus (repeatable).")
@click.option("--model", default="none", show_default=True, help="A local sentence-transformers directory for the dense path, or 'none'.")
@click.option("--dense-max-size", type=int, default=10_000, show_default=True, help="Measure the dense path only up to this size (encoding is the slow part).")
@click.option("--max-seq-length", type=int, default=None, help="Cap the encoder's tokens per passage (timing budget); stated in the report.")
@click.option("--questions", type=int, default=1000, show_default=True)
@click.option("--threads", type=int, default=1, show_default=True, help="torch and FAISS threads.")
@click.option("--rebuild-max-size", type=int, default=10_000, show_default=True, help="Measure the 1%% rebuild only up to this size.")
@click.option("--chats/--no-chats", default=True, show_default=True, help="Run the many-chats phase at the first size.")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--eval-dir", type=click.Path(path_type=Path), default=Path("../shared/eval"), show_default=True)
@click.option("--data-dir", type=click.Path(path_type=Path), default=Path("benchmarks/data"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write the Markdown report here (default: print it).")
def main(sizes: tuple[int, ...], model: str, dense_max_size: int, max_seq_length: int | None, questions: int, threads: int,
         rebuild_max_size: int, chats: bool, seed: int, eval_dir: Path, data_dir: Path, out: Path | None) -> None:
    """Measure build, per-stage query latency, memory, vector search and many chats on scale corpora."""
    missing = [str(eval_dir / name) for name in EVAL_FILES if not (eval_dir / name).is_file()]
    if missing:
        raise click.ClickException(f"the shared eval data is missing ({', '.join(missing)}); give its folder with --eval-dir")
    if model != "none" and not Path(model).expanduser().is_dir():
        raise click.ClickException(f"--model {model}: not a local model directory (the benchmark never downloads one)")
    data_dir.mkdir(parents=True, exist_ok=True)
    command = "python -m benchmarks.run " + shlex.join(sys.argv[1:])
    results: dict[str, Any] = {"machine": machine(), "command": command, "sizes": {}}
    for n, size in enumerate(sizes):
        base = Options(data_dir=str(data_dir), eval_dir=str(eval_dir), size=size, seed=seed, questions=questions, threads=threads,
                       rebuild=size <= rebuild_max_size, max_seq_length=max_seq_length)
        entry: dict[str, Any] = {}
        lexical = base
        entry["lexical_build"] = run_phase("build", lexical)
        entry["lexical_serve"] = run_phase("serve", lexical)
        entry["lexical_memory"] = run_phase("memory", lexical)
        dense = Options(**{**asdict(base), "model": str(model), "latency_size": max(sizes)})
        if model != "none" and size <= dense_max_size:
            entry["dense_build"] = run_phase("build", dense)
            entry["dense_serve"] = run_phase("serve", dense)
            entry["dense_memory"] = run_phase("memory", dense)
            entry["vectors"] = run_phase("vectors", dense)
        if chats and n == 0:
            entry["chats"] = run_phase("chats", dense if model != "none" and size <= dense_max_size else lexical)
        results["sizes"][str(size)] = entry
        (data_dir / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    from benchmarks.report import render  # written to the same results.json: `python -m benchmarks.report` redoes it

    report = render(results)
    if out is None:
        click.echo(report)
    else:
        out.write_text(report, encoding="utf-8")
        click.echo(f"wrote {out} (raw figures: {data_dir / 'results.json'})", err=True)


if __name__ == "__main__":
    main()
