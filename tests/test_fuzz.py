"""Property-based fuzzing: no input makes the API answer 500, crash or hang."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from conduct_guard.cli.commands import main

# every code point, lone surrogates and NUL included
any_char = st.characters(codec=None, exclude_categories=())
wild_text = st.text(any_char, max_size=400) | st.sampled_from([
    "", "\x00", "\ud800", "\udfff\ud800", "🇵🇰🇮🇳🇧🇩" * 50, "\u202eRTL override\u202c",
    "یہ ایک ٹیسٹ ہے۔ شناختی کارڈ 35202-1234567-1", "आधार 2345 6789 0124", "F.No. 14/04/2021-D-II",
])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | wild_text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(wild_text, children, max_size=5),
    max_leaves=30,
)
bodies = st.fixed_dictionaries(
    {},
    optional={"text": wild_text | json_values, "pack": st.sampled_from(["pk-federal", "in-ais", "x", 1, None]),
              "account": st.sampled_from(["personal", "official", "", None, 7]),
              "site": st.sampled_from(["x.com", None, 3, ""]), "extra": json_values},
) | json_values

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_clean(response):
    assert response.status_code in (200, 400, 413, 415), response.status_code
    body = response.get_json()
    assert isinstance(body, dict)
    if response.status_code == 200:
        assert body["verdict"] in ("ok", "warn", "block")
    else:
        assert set(body["error"]) == {"code", "message"}


@FUZZ
@given(body=bodies)
def test_any_json_body(client, body):
    payload = json.dumps(body, ensure_ascii=True)
    assert_clean(client.post("/v1/check", data=payload, content_type="application/json"))


@FUZZ
@given(raw=st.binary(max_size=2000), content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_any_bytes(client, raw, content_type):
    assert_clean(client.post("/v1/check", data=raw, content_type=content_type))


@FUZZ
@given(text=wild_text)
def test_any_text_gives_spans_inside_it(client, text):
    response = client.post("/v1/check", data=json.dumps({"text": text}), content_type="application/json")
    assert response.status_code == 200
    for finding in response.get_json()["findings"]:
        for start, end in finding["spans"]:
            assert 0 <= start < end <= len(text)


@settings(max_examples=40, deadline=None)
@given(text=wild_text)
def test_real_model_takes_any_text(real_classifier, text):
    scores = real_classifier.score(text)
    assert ((scores.overall >= 0) & (scores.overall <= 1)).all()


@settings(max_examples=25, deadline=None)
@given(lines=st.lists(st.one_of(
    st.builds(lambda t, i: json.dumps({"id": i, "text": t}, ensure_ascii=True), wild_text, st.integers()),
    json_values.map(lambda v: json.dumps(v, ensure_ascii=True)),
    st.text(any_char, max_size=60).map(lambda s: s.replace("\n", " ").replace("\r", " ")),
), max_size=6))
def test_jsonl_never_crashes(lines):
    # stdin holds bytes: a raw line with a lone surrogate arrives as the bytes Python would write
    # for it (surrogatepass), i.e. invalid UTF-8, which the CLI must refuse cleanly like any other
    # (CliRunner itself cannot encode a str with a lone surrogate)
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    result = CliRunner().invoke(main, ["check", "--jsonl", "-"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert result.stdout == "" and "line " in result.stderr
    else:
        outputs = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(outputs) == sum(1 for line in lines if line.strip())
