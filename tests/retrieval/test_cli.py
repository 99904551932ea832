"""`quotebot index`, `ask` and `eval` through the real command line (click), on the sample and on shared slices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from retrieval.layout import version_dir


@pytest.fixture()
def run():  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)

    return invoke


def test_ask_builds_the_default_index_on_first_use_and_answers_in_json(run, _offline_home: Path, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "胶州市委书记是谁?", "--json")
    assert result.exit_code == 0, result.output
    assert "building it from the bundled sample corpus" in result.stderr
    # The default encoder cannot be had here: one warning, naming the setting to change.
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "QUOTEBOT_MODEL" in warnings[0]
    answer = json.loads(result.stdout)
    assert answer["question"] == "胶州市委书记是谁?" and answer["answered"] is True
    hit = answer["hits"][0]
    assert set(hit) >= {"text", "score", "title", "date", "source", "url", "doc", "passage"}
    assert "張新竹" in hit["text"] and hit["date"] == "2023-06-05"
    assert (version_dir(_offline_home / "index") / "manifest.json").is_file()
    again = run("ask", "四六计划是什么?", "--json")
    assert "building" not in again.stderr and json.loads(again.stdout)["answered"]


def test_ask_reads_questions_from_standard_input(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "-", "--json", stdin="胶州市委书记是谁?\n\n驾照到期了怎么换证?\n你好\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["answered"] for line in lines] == [True, False, False]
    assert [line["declined_reason"] for line in lines] == [None, "not_covered", "greeting"]
    assert lines[0]["confidence"] in ("high", "low") and [line["confidence"] for line in lines[1:]] == [None, None]
    assert result.exit_code == 0


def test_human_output_quotes_with_citations_and_declines_politely(run) -> None:  # type: ignore[no-untyped-def]
    answered = run("ask", "上合示范区有哪些奖补政策?", "-k", "2")
    assert answered.exit_code == 0
    # Quoted as the bot quotes: in the question's script (the article is traditional), numbered, with its source.
    assert "1. " in answered.stdout and "29条奖补政策" in answered.stdout and "大众网" in answered.stdout
    declined = run("ask", "医保报销比例是多少?")
    assert declined.exit_code == 1
    assert declined.stdout.strip() and "Traceback" not in declined.output


@pytest.mark.parametrize("question", ["", "🙂", "x" * 100_000, "\x00\x07"])
def test_bad_questions_never_raise(run, question: str) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", question, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["answered"] is False


def test_a_missing_index_is_one_clear_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "胶州市委书记是谁?", "--index", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert str(tmp_path / "nowhere") in result.stderr and "quotebot index" in result.stderr


def test_index_builds_from_files_and_reports(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notice.txt").write_text("关于公园开放时间的通知\n\n人民公园每天早上六点开放，晚上十点关闭。\n", encoding="utf-8")
    result = run("index", str(docs), "--index", str(tmp_path / "index"), "--model", "none")
    assert result.exit_code == 0, result.output
    assert "indexed" in result.stdout and "lexical retrieval only" in result.stdout
    asked = run("ask", "人民公园几点关闭?", "--index", str(tmp_path / "index"), "--json")
    assert json.loads(asked.stdout)["answered"] is True


def test_index_of_nothing_is_an_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty").mkdir()
    result = run("index", str(tmp_path / "empty"), "--index", str(tmp_path / "index"))
    assert result.exit_code == 2
    assert "no passages" in result.stderr


def test_index_with_a_model_that_cannot_be_loaded_is_an_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("index", "--index", str(tmp_path / "index"), "--model", "someone/not-a-model")
    assert result.exit_code == 2
    assert "someone/not-a-model" in result.stderr
    assert not (tmp_path / "index").exists()


def test_eval_on_a_squad_slice_prints_the_figures(run, shared_eval: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("eval", str(shared_eval / "cmrc2018_dev.json"), "--limit", "40", "--model", "none", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["questions"] == 40 and figures["paragraphs"] == 848
    assert figures["passages"] >= 848
    assert figures["recall_at_1"] >= 0.9 and figures["mrr_at_10"] >= figures["recall_at_1"]
    assert figures["latency_p95_ms"] >= figures["latency_p50_ms"] > 0
    human = run("eval", str(shared_eval / "cmrc2018_dev.json"), "--limit", "5", "--model", "none")
    assert "R@1" in human.stdout and "MRR@10" in human.stdout and "p95" in human.stdout


def test_eval_of_the_seed_and_ood_questions_on_the_sample(run, shared_eval: Path) -> None:  # type: ignore[no-untyped-def]
    seed = run("eval", str(shared_eval / "seed_dev_questions.jsonl"))
    assert seed.exit_code == 0, seed.stdout
    assert "12 of 12 passed" in seed.stdout
    ood = run("eval", str(shared_eval / "ood_dev_questions.jsonl"), "--json")
    assert ood.exit_code == 0
    assert json.loads(ood.stdout)["passed"] == 8


def test_eval_of_a_file_that_is_not_a_question_set_is_an_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1}', encoding="utf-8")
    result = run("eval", str(bad))
    assert result.exit_code == 2 and "SQuAD" in result.stderr
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"question": "no q field"}\n', encoding="utf-8")
    assert run("eval", str(lines)).exit_code == 2


def test_index_reports_each_file_in_text_and_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notice.txt").write_text("关于公园开放时间的通知\n\n人民公园每天早上六点开放，晚上十点关闭。\n\n（完）\n", encoding="utf-8")
    (docs / "bad.txt").write_bytes(b"\x00\xff" * 100)
    result = run("index", str(docs), "--index", str(tmp_path / "index"), "--model", "none")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0] == f"file {docs / 'notice.txt'}: txt via text, 1 passages; dropped 1 end mark"
    assert result.stdout.splitlines()[-1].startswith("indexed 1 passage")
    assert f"skipped {docs / 'bad.txt'}: binary data" in result.stderr
    as_json = run("index", str(docs), "--index", str(tmp_path / "index"), "--model", "none", "--json")
    record = json.loads(as_json.stdout)
    assert record["type"] == "index" and record["build"]["passages"] == 1
    (read,) = record["corpus"]["files"]
    assert (read["extractor"], read["dropped"]) == ("text", {"end mark": 1})
    assert [s["reason"].startswith("binary data") for s in record["corpus"]["skipped"]] == [True]
