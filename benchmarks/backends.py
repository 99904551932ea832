"""Encoder back-ends side by side: PyTorch fp32 and dynamic int8, ONNX Runtime fp32 and int8, OpenVINO fp32, and
quotebot's own ONNX Runtime encoder (retrieval/onnx_encoder.py, the product's default).

One model (a local sentence-transformers directory), every back-end loaded in the same process and measured
interleaved (the order rotates from one question or batch to the next), each on ``--threads`` threads:

- one-query encode latency (``encode([question])``), Chinese questions (DRCD simplified + CMRC, alternating)
  and English ones (tests/retrieval/data/english_city.json);
- passage encode rate: the first ``--passages`` CMRC paragraphs, batches of 64 (cut at the model's max length);
- quality of the dense ranking alone on english_city.json: R@1 and MRR over its 40 passages;
- agreement with the fp32 PyTorch vectors: cosine of the two vectors of each text (all texts above).

    python -m benchmarks.backends --model PATH [--questions 200] [--passages 256]

ONNX and OpenVINO through sentence-transformers need ``optimum`` (``sentence-transformers[onnx]`` / ``[openvino]``),
which does not install beside transformers 5: run this from a separate environment (recipe in benchmarks/README.md)
for those; ``quotebot-onnx`` needs only what quotebot installs. Where a back-end cannot be loaded it is listed with
the reason and the rest are measured.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import numpy as np

from benchmarks.measure import machine, percentiles

ENGLISH_SET = Path(__file__).resolve().parents[1] / "tests" / "retrieval" / "data" / "english_city.json"
BACKENDS = ("torch-fp32", "torch-int8", "onnx-fp32", "onnx-int8", "openvino-fp32", "quotebot-onnx")
BATCH = 64
WARM = 5


@dataclass(frozen=True)
class Backend:
    """A loaded encoder, or None with the reason it could not be had."""

    name: str
    encoder: Any  # None when skipped
    note: str
    load_s: float = 0.0


def _load_torch_fp32(model: Path, work: Path, threads: int) -> tuple[Any, str]:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model), device="cpu"), "sentence-transformers, PyTorch, float32"


def _load_torch_int8(model: Path, work: Path, threads: int) -> tuple[Any, str]:
    import torch

    fp32, _ = _load_torch_fp32(model, work, threads)
    # torch warns that this API is deprecated (torchao replaces it): the warnings go into the note, not the log.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        int8 = torch.ao.quantization.quantize_dynamic(copy.deepcopy(fp32), {torch.nn.Linear}, dtype=torch.qint8)
    said = sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0].strip()}" for w in caught})
    return int8, f"torch.ao.quantization.quantize_dynamic on nn.Linear, qint8, engine {torch.backends.quantized.engine}" + (
        f"; torch warned: {' | '.join(said)}" if said else "")


def _onnx_copy(model: Path, work: Path) -> Path:
    """A copy of the model directory that the ONNX export may write into (the original may be read-only)."""
    where = work / "onnx-model"
    if not where.exists():
        shutil.copytree(model, where)
    return where


def _ort_kwargs(threads: int) -> dict[str, Any]:
    import onnxruntime  # type: ignore[import-not-found, unused-ignore]

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return {"provider": "CPUExecutionProvider", "session_options": options}


def _load_onnx_fp32(model: Path, work: Path, threads: int) -> tuple[Any, str]:
    from sentence_transformers import SentenceTransformer

    where = _onnx_copy(model, work)
    encoder = SentenceTransformer(str(where), device="cpu", backend="onnx", model_kwargs=_ort_kwargs(threads))
    if not (where / "onnx" / "model.onnx").exists():
        encoder.save_pretrained(str(where))  # so the int8 export starts from this export, not a second one
    return encoder, "ONNX Runtime, float32 (exported by optimum)"


def quantisation_config() -> str:
    """sentence-transformers' dynamic int8 ONNX config that this CPU supports best."""
    try:
        flags = set(next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")).split())
    except (OSError, StopIteration):
        flags = set()
    return "avx512_vnni" if "avx512_vnni" in flags else "avx512" if "avx512f" in flags else "avx2"


def _load_onnx_int8(model: Path, work: Path, threads: int) -> tuple[Any, str]:
    from sentence_transformers import (
        SentenceTransformer,
        export_dynamic_quantized_onnx_model,
    )

    config = quantisation_config()
    where = _onnx_copy(model, work)
    if not (where / "onnx" / "model.onnx").exists():
        _load_onnx_fp32(model, work, threads)
    exporter = SentenceTransformer(str(where), device="cpu", backend="onnx", model_kwargs=_ort_kwargs(threads))
    export_dynamic_quantized_onnx_model(exporter, config, str(where))
    # The file is named after the weights' type, which depends on the config (quint8 for avx2, qint8 for avx512).
    exported = next((where / "onnx").glob(f"model_*int8_{config}.onnx"))
    encoder = SentenceTransformer(str(where), device="cpu", backend="onnx",
                                  model_kwargs={**_ort_kwargs(threads), "file_name": f"onnx/{exported.name}"})
    return encoder, f"ONNX Runtime, dynamic int8 quantisation (export_dynamic_quantized_onnx_model, config {config})"


def _load_openvino_fp32(model: Path, work: Path, threads: int) -> tuple[Any, str]:
    from sentence_transformers import SentenceTransformer

    encoder = SentenceTransformer(str(model), device="cpu", backend="openvino",
                                  model_kwargs={"ov_config": {"INFERENCE_NUM_THREADS": str(threads), "PERFORMANCE_HINT": "LATENCY"}})
    return encoder, "OpenVINO, float32 (exported by optimum-intel)"


def _load_quotebot_onnx(model: Path, work: Path, threads: int) -> tuple[Any, str]:
    from retrieval.onnx_encoder import from_sentence_transformer

    fp32, _ = _load_torch_fp32(model, work, threads)
    encoder = from_sentence_transformer(fp32, cache_dir=work / "quotebot-models", threads=threads)
    return encoder, "ONNX Runtime, float32, exported by quotebot (torch.onnx, no optimum): QUOTEBOT_ENCODER_BACKEND=auto|onnx"


LOADERS: dict[str, Callable[[Path, Path, int], tuple[Any, str]]] = {
    "torch-fp32": _load_torch_fp32, "torch-int8": _load_torch_int8, "onnx-fp32": _load_onnx_fp32,
    "onnx-int8": _load_onnx_int8, "openvino-fp32": _load_openvino_fp32, "quotebot-onnx": _load_quotebot_onnx,
}
NEEDS = {"onnx-fp32": ("onnxruntime", "optimum.onnxruntime"), "onnx-int8": ("onnxruntime", "optimum.onnxruntime"),
         "openvino-fp32": ("openvino", "optimum.intel"), "quotebot-onnx": ("onnxruntime", "onnxscript")}
INSTALL = {"onnx-fp32": "sentence-transformers[onnx]", "onnx-int8": "sentence-transformers[onnx]", "openvino-fp32": "sentence-transformers[openvino]",
           "quotebot-onnx": "-e ."}


def load_backend(name: str, model: Path, work: Path, threads: int) -> Backend:
    """One back-end, or a Backend with the reason it is skipped (a missing package is named with its install)."""
    import importlib.util

    for module in NEEDS.get(name, ()):
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:
            found = False
        if not found:
            where = "" if name.startswith("quotebot") else " in a separate environment"
            return Backend(name, None, f"skipped: {module} is not installed (`pip install '{INSTALL[name]}'`{where})")
    t = time.perf_counter()
    try:
        encoder, note = LOADERS[name](model, work, threads)
    except Exception as err:  # noqa: BLE001 - each exporter fails in its own way; the run goes on without it
        return Backend(name, None, f"skipped: could not be loaded ({err.__class__.__name__}: {str(err).splitlines()[0][:200] if str(err) else ''})")
    return Backend(name, encoder, note, time.perf_counter() - t)


def unit(vectors: Any) -> np.ndarray:
    """Rows scaled to unit length, as retrieval.encoder.encode stores them."""
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.where(norms == 0, 1.0, norms)


def ranking_quality(encoder: Any, passages: Sequence[str], questions: Sequence[tuple[str, int]]) -> dict[str, float]:
    """R@1 and MRR of the dense ranking (cosine) of the passages for each (question, gold row)."""
    p = unit(encoder.encode(list(passages), batch_size=BATCH))
    q = unit(encoder.encode([text for text, _ in questions], batch_size=BATCH))
    order = np.argsort(-(q @ p.T), axis=1, kind="stable")
    ranks = [int(np.where(order[i] == gold)[0][0]) + 1 for i, (_, gold) in enumerate(questions)]
    return {"r1": sum(r == 1 for r in ranks) / len(ranks), "mrr": float(np.mean([1 / r for r in ranks]))}


def interleaved(backends: list[Backend], items: Sequence[Any], call: Callable[[Any, Any], object]) -> dict[str, tuple[list[float], float]]:
    """Wall seconds of each ``call(encoder, item)`` and the process CPU seconds in all, per back-end.

    The back-ends' order rotates from one item to the next. CPU over wall time above 1 shows a back-end using
    more threads than asked for.
    """
    times: dict[str, list[float]] = {b.name: [] for b in backends}
    cpu = dict.fromkeys(times, 0.0)
    for n, item in enumerate(items):
        for b in backends[n % len(backends):] + backends[:n % len(backends)]:
            t, c = time.perf_counter(), time.process_time()
            call(b.encoder, item)
            cpu[b.name] += time.process_time() - c
            times[b.name].append(time.perf_counter() - t)
    return {name: (seconds, cpu[name]) for name, seconds in times.items()}


def chinese_texts(eval_dir: Path, questions: int, passages: int) -> tuple[list[str], list[str]]:
    """Chinese questions (DRCD simplified and CMRC, alternating) and CMRC paragraphs; empty without the eval data."""
    files = [eval_dir / "drcd_dev_simplified_questions.json", eval_dir / "cmrc2018_dev.json"]
    if not all(f.is_file() for f in files):
        return [], []
    asked: list[list[str]] = []
    contexts: list[str] = []
    for f in files:
        paragraphs = [p for article in json.loads(f.read_text(encoding="utf-8"))["data"] for p in article["paragraphs"]]
        asked.append([qa["question"] for p in paragraphs for qa in p["qas"]])
        contexts = [p["context"] for p in paragraphs]  # the last file's: CMRC
    mixed = [q for pair in zip(*asked) for q in pair]
    return mixed[:questions], contexts[:passages]


def measure(model: Path, names: Sequence[str], *, eval_dir: Path, questions: int, passages: int, threads: int) -> dict[str, Any]:
    """Every figure of every back-end that loads; the others with the reason they are skipped."""
    import torch

    torch.set_num_threads(threads)
    english = json.loads(ENGLISH_SET.read_text(encoding="utf-8"))
    rows = {p["id"]: n for n, p in enumerate(english["passages"])}
    en_passages = [p["text"] for p in english["passages"]]
    en_questions = [(q["q"], rows[q["gold"]]) for q in english["questions"]]
    zh_questions, zh_passages = chinese_texts(eval_dir, questions, passages)
    en_asked = [en_questions[n % len(en_questions)][0] for n in range(questions)]
    result: dict[str, Any] = {"machine": machine(), "model": str(model), "threads": threads, "torch": torch.__version__,
                              "zh_questions": len(zh_questions), "en_questions": len(en_asked), "zh_passages": len(zh_passages), "backends": {}}
    with tempfile.TemporaryDirectory(prefix="quotebot-backends-") as tmp:
        loaded = [load_backend(name, model, Path(tmp), threads) for name in names]
        ready = [b for b in loaded if b.encoder is not None]
        for b in loaded:
            result["backends"][b.name] = {"note": b.note, "load_s": b.load_s, "ready": b.encoder is not None}
        if not ready:
            return result
        groups = {"en": en_passages + [q for q, _ in en_questions], "zh": zh_questions + zh_passages}
        groups = {tag: texts for tag, texts in groups.items() if texts}
        fp32 = ready[0].encoder if ready[0].name == "torch-fp32" else None
        reference = {tag: unit(fp32.encode(texts, batch_size=BATCH)) for tag, texts in groups.items()} if fp32 is not None else {}
        for b in ready:
            figures = result["backends"][b.name]
            figures.update(ranking_quality(b.encoder, en_passages, en_questions))
            for tag, texts in groups.items() if reference else ():
                cos = np.sum(unit(b.encoder.encode(texts, batch_size=BATCH)) * reference[tag], axis=1)
                figures[f"{tag}_cosine"] = {"mean": float(cos.mean()), "min": float(cos.min()), "texts": len(texts)}
        for b in ready:
            for q in (zh_questions or en_asked)[:WARM]:
                b.encoder.encode([q])
        for tag, asked in (("zh", zh_questions), ("en", en_asked)):
            for name, (seconds, cpu) in interleaved(ready, asked, lambda enc, q: enc.encode([q])).items():
                result["backends"][name][f"{tag}_query"] = {**percentiles(seconds), "cpu_per_wall": cpu / sum(seconds) if seconds else None}
        batches = [zh_passages[i:i + BATCH] for i in range(0, len(zh_passages), BATCH)]
        for name, (seconds, cpu) in interleaved(ready, batches, lambda enc, batch: enc.encode(batch, batch_size=BATCH)).items():
            result["backends"][name]["zh_passages_per_s"] = len(zh_passages) / sum(seconds) if seconds else None
            result["backends"][name]["zh_passages_cpu_per_wall"] = cpu / sum(seconds) if seconds else None
    return result


def render(result: dict[str, Any]) -> str:
    """The figures as a Markdown table, then each back-end's note."""
    def ms(figures: dict[str, Any], key: str) -> str:
        return f"{figures[key]['p50']:.2f}" if figures.get(key, {}).get("n") else "–"

    lines = [(f"model {result['model']}, torch {result['torch']}, {result['threads']} thread(s); {result['zh_questions']} Chinese and "
              f"{result['en_questions']} English one-query encodes, {result['zh_passages']} Chinese passages per back-end, interleaved"), "",
             ("| back-end | load s | zh query p50 ms | en query p50 ms | zh passages/s | CPU/wall (queries, passages) | R@1 (english_city) | MRR "
              "| cos vs fp32, en: mean / min | zh: mean / min |"),
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, f in result["backends"].items():
        if not f["ready"]:
            lines.append(f"| {name} |" + " – |" * 9)
            continue
        rate = f"{f['zh_passages_per_s']:.1f}" if f.get("zh_passages_per_s") else "–"
        cos = [f"{f[key]['mean']:.4f} / {f[key]['min']:.4f}" if key in f else "–" for key in ("en_cosine", "zh_cosine")]
        share = [f"{x:.2f}" if x is not None else "–" for x in (f["en_query"].get("cpu_per_wall"), f.get("zh_passages_cpu_per_wall"))]
        lines.append(f"| {name} | {f['load_s']:.1f} | {ms(f, 'zh_query')} | {ms(f, 'en_query')} | {rate} | {share[0]}, {share[1]} | "
                     f"{f['r1']:.3f} | {f['mrr']:.3f} | {cos[0]} | {cos[1]} |")
    lines.append("")
    lines += [f"- {name}: {f['note']}" for name, f in result["backends"].items()]
    return "\n".join(lines)


@click.command()
@click.option("--model", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--backend", "names", multiple=True, type=click.Choice(BACKENDS), default=BACKENDS, show_default=True)
@click.option("--questions", type=int, default=200, show_default=True, help="One-query encodes per language and back-end.")
@click.option("--passages", type=int, default=256, show_default=True, help="Chinese passages encoded per back-end.")
@click.option("--threads", type=int, default=1, show_default=True)
@click.option("--eval-dir", type=click.Path(path_type=Path), default=Path("../shared/eval"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("benchmarks/data/backends.json"), show_default=True)
def main(model: Path, names: tuple[str, ...], questions: int, passages: int, threads: int, eval_dir: Path, out: Path) -> None:
    """Latency, passage rate, ranking quality and agreement of each encoder back-end, side by side."""
    names = tuple(n for n in BACKENDS if n in names)  # torch-fp32 first: it is the reference for agreement
    result = measure(model, names, eval_dir=eval_dir, questions=questions, passages=passages, threads=threads)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    click.echo(render(result))


if __name__ == "__main__":
    main()
