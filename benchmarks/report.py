"""The Markdown report of a benchmark run (benchmarks/data/results.json → RESULTS.md).

    python -m benchmarks.report benchmarks/data/results.json > benchmarks/RESULTS.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.stages import STAGES


def _ms(p: dict[str, Any] | None, key: str) -> str:
    return "–" if not p or key not in p else f"{p[key]:.1f}"


def _row(name: str, p: dict[str, Any] | None) -> str:
    return f"| {name} | {_ms(p, 'p50')} | {_ms(p, 'p95')} | {_ms(p, 'p99')} | {_ms(p, 'mean')} |"


def _serve(title: str, s: dict[str, Any]) -> list[str]:
    lines = [f"**{title}** ({s['questions']} questions, warm, one thread; index `{s.get('vector_index') or 'lexical only'}`)", "",
             "| stage | p50 ms | p95 ms | p99 ms | mean ms |", "| --- | --- | --- | --- | --- |"]
    lines += [_row(stage, s["stages"].get(stage)) for stage in STAGES if stage in s["stages"]]
    lines += [_row("sum of stages on the critical path (all but encode and vector_search)", s["staged_total"]), _row("**whole** (Searcher.search + format_answer)", s["whole"])]
    if s.get("floor"):
        lines.append(_row(f"floor: one raw `encode([q])` of the question encoder ({s.get('encoder_backend') or 'torch'})", s["floor"]))
    if s.get("floor_torch"):
        lines.append(_row("the same model on PyTorch, one raw `encode([q])`", s["floor_torch"]))
    lines.append("")
    if s.get("floor"):
        lines.append(f"Whole / floor: {s['whole_over_floor_p50']:.2f}× at p50, {s['whole_over_floor_p95']:.2f}× at p95 (target ≤ 1.5×).")
    if s.get("floor_torch"):
        lines.append(f"Whole / the PyTorch encode: {s['whole']['p50'] / s['floor_torch']['p50']:.2f}× at p50, "
                     f"{s['whole']['p95'] / s['floor_torch']['p95']:.2f}× at p95.")
    lines.append(f"Staged path vs Searcher.search: {s['mismatches']} of {s['questions']} answers differ (0 means the stage "
                 f"timings follow the real code). Answered {s['answered']}/{s['questions']}; real questions whose gold paragraph is "
                 f"quoted first: {s['quoted_gold_first']}/{s['gold_questions']}. Searcher.open {s['open_s']:.1f} s; "
                 f"RSS after open {s['rss_after_open_mib']:.0f} MiB, peak while serving {s['serve_peak_mib']:.0f} MiB.")
    memory = s.get("memory_after_questions_mib")
    if memory and "RssAnon" in memory:
        lines.append(f"Memory after the questions: VmRSS {memory['VmRSS']:.0f} MiB = {memory['RssAnon']:.0f} MiB anonymous + "
                     f"{memory['RssFile']:.0f} MiB of mapped files (the BM25 matrix, libraries).")
    if s.get("microbatch"):
        m = s["microbatch"]
        lines.append(f"Micro-batching: encoding {m['batch']} questions one per call costs {m['one_ms']:.1f} ms each, in one call "
                     f"{m['batched_ms']:.1f} ms each ({m['gain']:.1f}× less)" + (
                         f"; ONNX Runtime runs at most {m['max_call']} a run (shipped): all {m['batch']} in one run would cost "
                         f"{m['uncapped_ms']:.1f} ms each." if "uncapped_ms" in m else "."))
    if s.get("overlap"):
        o = s["overlap"]
        lines.append(f"Dense half (encode, vector search) beside the lexical half (shipped) vs before it, {o['questions']} questions interleaved: Searcher.search p50 "
                     f"{o['overlapped_50_ms']:.1f} vs {o['one_after_other_50_ms']:.1f} ms, p95 {o['overlapped_95_ms']:.1f} vs "
                     f"{o['one_after_other_95_ms']:.1f} ms.")
    if s.get("pruning"):
        b = s["pruning"]
        lines.append(f"BM25 top 100 as shipped (long columns looked up for the candidates) vs every column added whole, {b['questions']} "
                     f"questions interleaved: p50 {b['pruned_50_ms']:.1f} vs {b['whole_50_ms']:.1f} ms, p95 {b['pruned_95_ms']:.1f} vs "
                     f"{b['whole_95_ms']:.1f} ms; top-100 lists that differ: {b['differ']}.")
    if s.get("threads_effect"):
        t = s["threads_effect"]
        lines.append(f"Torch threads, one query encode, median: 1 thread {t['threads_1_ms']:.1f} ms, 2 threads {t['threads_2_ms']:.1f} ms "
                     f"(the machine's other work uses the cores too).")
    return lines + [""]


def _build(title: str, b: dict[str, Any]) -> list[str]:
    lines = [f"**{title}**: {b['passages']:,} passages ({b['real_paragraphs']:,} real paragraphs, {b['synthetic_paragraphs']:,} synthetic)", "",
             f"- cold build {b['cold_s']:.1f} s = {b['cold_rate']:.0f} passages/s; peak RSS {b['build_peak_mib']:.0f} MiB; "
             f"index on disk {b['index_bytes'] / 2**20:.1f} MiB" + (f" (+ embedding cache {b['cache_bytes'] / 2**20:.1f} MiB)" if b.get("cache_bytes") else "")]
    if b.get("raw_rate"):
        drift = f" (mean of {b['raw_rate_before']:.1f} just before the build and {b['raw_rate_after']:.1f} just after)" if "raw_rate_before" in b else ""
        lines.append(f"- raw `encode` of {b['raw_sample']:,} of the same passages (same encoder, batch 64): {b['raw_rate']:.1f} passages/s{drift}; "
                     f"the build runs at {100 * b['pipeline_share_of_raw']:.0f}% of it (pipeline overhead {b['overhead_pct']:.1f}%, target ≤ 10%)")
    if b.get("unknown_rate") is not None:
        lines.append(f"- encoder unknown-token rate on the corpus {b['unknown_rate']:.0%}; dense {'on' if b['dense'] else 'off'} "
                     f"(gate max_unknown_rate={b['options']['max_unknown_rate']}); vector index `{b['vector_index']}`")
    if "rebuild_s" in b:
        lines.append(f"- rebuild after adding 1% ({b['rebuild_embedded']:,} passages encoded, {b['rebuild_reused']:,} from the cache): "
                     f"{b['rebuild_s']:.1f} s, {b['rebuild_ratio']:.1f}× faster than cold (target ≥ 20×)")
    return lines + [""]


def _memory(title: str, m: dict[str, Any]) -> list[str]:
    def line(label: str, mib: dict[str, float]) -> str:
        return f"| {label} | {mib.get('VmRSS', 0):.0f} | {mib.get('RssAnon', 0):.0f} | {mib.get('RssFile', 0):.0f} |"

    return [f"**{title}**: a Searcher opened as the bot opens it (questions encoded by {m.get('encoder_backend') or 'nothing: lexical only'}; "
            f"index `{m.get('vector_index') or 'lexical only'}`), {m['questions']} questions searched and formatted, nothing else in the process", "",
            "| when | VmRSS MiB | anonymous MiB | mapped files MiB |", "| --- | --- | --- | --- |",
            line("before opening", m["before"]), line(f"after opening ({m['open_s']:.1f} s)", m["after_open"]),
            line("after the questions", m["after_questions"]), "",
            f"Peak (VmHWM): {m['after_questions'].get('VmHWM', 0):.0f} MiB" + (
                f"; in a memory cgroup of {m['memory_limit_mib']:,} MiB (index pages read afresh), whose peak charge was "
                f"{m['cgroup_peak_mib'] or 0:.0f} MiB" if m.get("memory_limit_mib") else "") + (
                f". Search + format per question: p50 {m['latency']['p50']:.1f} ms, p95 {m['latency']['p95']:.1f} ms." if m.get("latency") else "."), ""]


def _vectors(v: dict[str, Any]) -> list[str]:
    lines = []
    for key, label in (("real", "real MiniLM vectors"), ("tiled", "tiled real vectors + noise, latency only")):
        if key not in v:
            continue
        part = v[key]
        lines += [f"**{part['size']:,} vectors ({label})**: one query at a time, 100 nearest (as the Searcher asks)", "",
                  "| index | build s | recall@10 vs flat | p50 ms | p95 ms |", "| --- | --- | --- | --- | --- |"]
        for kind in ("flat", "hnsw", "ivf"):
            e = part[kind]
            recall = f"{e['recall_at_10']:.3f}" if "recall_at_10" in e else "–"
            lines.append(f"| {kind} | {e['build_s']:.1f} | {recall} | {_ms(e['latency'], 'p50')} | {_ms(e['latency'], 'p95')} |")
            for ef, f in e.get("ef_search", {}).items():
                lines.append(f"| {kind}, efSearch {ef} | | {f['recall_at_10']:.3f} | {_ms(f['latency'], 'p50')} | {_ms(f['latency'], 'p95')} |")
        lines.append("")
    return lines


def _chats(c: dict[str, Any]) -> list[str]:
    lines = [
        "| flood limit | chats at once | query encodes | replies | typing shown | replies/s | × one chat | p50 update→reply ms | p95 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in c["runs"]:
        u = r["update_to_reply"]
        limit = "30/s (shipped)" if r.get("flood_limit", True) else "off"
        typing = r.get("typing_actions", "–")  # runs from before the count: one per reply
        lines.append(f"| {limit} | {r['chats']} | {r.get('encodes', 'batched')} | {r['replies']} | {typing} | {r['replies_per_s']:.1f} | {r['vs_one_chat']:.2f} | {_ms(u, 'p50')} | {_ms(u, 'p95')} |")
    return lines + ["", f"Peak RSS of the process (bot + fake server): {c['peak_mib']:.0f} MiB.", ""]


def render(results: dict[str, Any]) -> str:
    """The figures of one run as Markdown (the analysis around them is written by hand in RESULTS.md)."""
    m = results["machine"]
    lines = ["## Figures of the run", "",
             f"- date: {m['date']}; commit {m['commit']}; Python {m['python']}",
             f"- machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory; load average {m['load']} — **shared** with other engineers' work",
             f"- command: `{results['command']}`", ""]
    for size, entry in results["sizes"].items():
        lines += [f"### {int(size):,} passages", ""]
        if "lexical_build" in entry:
            lines += _build("Build, lexical only", entry["lexical_build"])
        if "dense_build" in entry:
            lines += _build("Build, lexical + dense", entry["dense_build"])
        if "lexical_serve" in entry:
            lines += _serve("Queries, lexical only", entry["lexical_serve"])
        if "lexical_memory" in entry:
            lines += _memory("Serving memory, lexical only", entry["lexical_memory"])
        if "dense_serve" in entry:
            lines += _serve("Queries, lexical + dense", entry["dense_serve"])
        if "dense_memory" in entry:
            lines += _memory("Serving memory, lexical + dense", entry["dense_memory"])
        if "vectors" in entry:
            lines += ["#### Exact vs approximate vector search", ""] + _vectors(entry["vectors"])
        if "chats" in entry:
            lines += ["#### Many chats at once (real Application, fake Bot API server)", ""] + _chats(entry["chats"])
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
