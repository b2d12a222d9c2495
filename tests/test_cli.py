"""The conduct-guard command (click's runner in-process; one real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conduct_guard import __version__
from conduct_guard.categories import CATEGORIES
from conduct_guard.cli.commands import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def test_version_and_help(run):
    assert run("--version").output.strip().endswith(__version__)
    for flag in ("-h", "--help"):
        out = run(flag).output
        assert "serve" in out and "check" in out and "packs" in out
    assert "--jsonl" in run("check", "-h").output


def test_check_text_prints_one_result(run):
    result = run("check", "Eid Mubarak to all my colleagues and their families!")
    assert result.exit_code == 0
    body = json.loads(result.output)
    assert set(body["scores"]) == set(CATEGORIES)
    assert body["verdict"] in ("ok", "warn", "block")


def test_check_reads_stdin_when_no_text(run):
    result = run("check", "--pack", "in-ais", input="A quiet Sunday with family.")
    assert result.exit_code == 0 and json.loads(result.output)["pack"] == "in-ais"


def test_jsonl_keeps_order_and_ids(run):
    lines = [
        {"id": "a1", "text": "Happy Independence Day to everyone!"},
        {"id": 2, "text": "CNIC of the complainant is 35202-1234567-1", "account": "official"},
        {"text": "no id here", "site": "x.com", "pack": "pk-aiou"},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n\n"
    result = run("check", "--jsonl", "-", input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["a1", 2, None]
    assert out[2]["pack"] == "pk-aiou"
    assert any(f["category"] == "privacy" for f in out[1]["findings"])


def test_jsonl_from_file(run, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "ok"}) + "\n", encoding="utf-8")
    result = run("check", "--jsonl", str(path))
    assert json.loads(result.output)["id"] == "x"


@pytest.mark.parametrize("bad_line, words", [
    ("{not json", "not valid JSON"),
    ('["a list"]', "JSON object"),
    ('{"id": 1}', "'text'"),
    ('{"text": 5}', "'text'"),
    ('{"text": "x", "account": "company"}', "'account'"),
    ('{"text": "x", "pack": "nope"}', "unknown pack"),
    ('{"text": "' + "a" * 20001 + '"}', "20,000"),
    ('{"text": "x", "account": ""}', "'account'"),
    ('{"text": "x", "lang": "fr"}', "'lang'"),
    ('{"id": NaN, "text": "x"}', "NaN"),
    ('{"id": Infinity, "text": "x"}', "Infinity"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_malformed_line_names_its_number_and_prints_nothing(run, bad_line, words):
    stdin = json.dumps({"id": 1, "text": "fine"}) + "\n" + bad_line + "\n"
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--jsonl", "-"], input=stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "line 2" in result.stderr and words in result.stderr


def test_jsonl_accepts_a_byte_order_mark(run):
    result = run("check", "--jsonl", "-", input="\ufeff" + json.dumps({"id": "b", "text": "Eid Mubarak"}) + "\n")
    assert result.exit_code == 0 and json.loads(result.output)["id"] == "b"


def test_text_format_names_verdict_rule_and_sentence(run):
    text = "Eid Mubarak to all. My CNIC is 35202-1234567-1 if anyone needs it."
    out = run("check", "--format", "text", text).output
    assert out.splitlines()[0].split(":")[0] in ("OK", "WARNING", "NOT ALLOWED")
    assert "privacy" in out and "35202-1234567-1" in out and "{" not in out
    assert run("check", "--format", "text", "A quiet Sunday with family.").output.startswith("OK")


def test_lang_is_taken_and_checked(run):
    result = run("check", "--lang", "ur", "Eid Mubarak to all")
    assert result.exit_code == 0 and json.loads(result.output)["verdict"] in ("ok", "warn", "block")
    result = CliRunner().invoke(main, ["check", "--lang", "fr", "hello"])
    assert result.exit_code == 2 and "fr" in result.output


def test_check_with_nothing_to_check_is_a_usage_error():
    result = CliRunner().invoke(main, ["check"], input="")
    assert result.exit_code == 2 and "TEXT" in result.output


def test_jsonl_results_equal_single_checks_whatever_the_batch(run):
    """CONTRACT: a result depends on its request alone (CLI or batch, whatever its partners)."""
    texts = ["Eid Mubarak to everyone!", "Vote for our party, the only honest one.",
             "Forwarded as received: banks closed from Monday. Withdraw cash now.",
             "ٹرانسفر کی فہرست ابھی نوٹیفائی نہیں ہوئی مگر میرے پاس ہے", "বাজেটের খসড়া সারসংক্ষেপ মন্ত্রিসভায় যাওয়ার আগেই দেখলাম"]
    stdin = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
    batched = [json.loads(line) for line in run("check", "--jsonl", "-", input=stdin).output.splitlines()]
    for i, text in enumerate(texts):
        alone = json.loads(run("check", text).output)
        assert batched[i]["verdict"] == alone["verdict"]
        assert all(abs(batched[i]["scores"][c] - alone["scores"][c]) <= 1e-4 for c in alone["scores"])


def test_unknown_pack_is_a_clean_error(run):
    result = CliRunner().invoke(main, ["check", "--pack", "nowhere", "hello"])
    assert result.exit_code != 0
    assert "nowhere" in result.output and "Traceback" not in result.output


def test_missing_model_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(main, ["check", "--model-dir", str(tmp_path), "hello"])
    assert result.exit_code == 1
    assert "model.json" in result.output and "Traceback" not in result.output


def test_packs_lists_the_packs(run):
    out = run("packs").output
    for pack in ("pk-federal", "pk-aiou", "bd-public-servants", "in-ais", "in-gujarat-revenue"):
        assert pack in out
    data = json.loads(run("packs", "--json").output)
    assert {p["id"] for p in data["packs"]} >= {"pk-federal", "in-ais"}


def test_installed_command_runs_as_a_process():
    env = {**os.environ, "PYTHONPATH": os.path.join(os.path.dirname(__file__), "..", "backend")}
    proc = subprocess.run([sys.executable, "-m", "conduct_guard", "check", "Jumma Mubarak"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] in ("ok", "warn", "block")
