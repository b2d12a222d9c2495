"""Counters (never any text), the status page, /v1/status, /v1/events and /v1/pause."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
import time
from pathlib import Path

import pytest

try:
    import conduct_guard  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from conduct_guard.service.app import create_app
from conduct_guard.categories import CATEGORIES
from conduct_guard.settings.config import EXTENSION_ORIGINS
from conduct_guard.service.state import service_state
from conduct_guard.service.stats import EVENT_KINDS, Stats
from conftest import token_headers

SECRET = "Meeting minutes of the cabinet: do not share"
EXT = EXTENSION_ORIGINS[0]


# ----------------------------------------------------------------- Stats


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self):
        return self.t


def test_counts_checks_and_events():
    s = Stats()
    s.record_check("ok", [])
    s.record_check("warn", ["privacy", "privacy", "bogus"])
    s.record_check("block", ["official_information", "privacy"])
    s.record_check("weird", ["privacy"])  # ignored
    s.record_event("warning_shown", ["privacy"])
    s.record_event("edited", ["privacy"])
    s.record_event("override", ["official_information"])
    s.record_event("not_a_problem", [])
    snap = s.snapshot()
    assert snap["checks"] == 3
    assert snap["verdicts"] == {"ok": 1, "warn": 1, "block": 1}
    assert snap["flagged"]["privacy"] == 2 and snap["flagged"]["official_information"] == 1
    assert (snap["warnings"], snap["edits"], snap["overrides"], snap["not_a_problem"]) == (1, 1, 1, 1)
    assert snap["overrides_by_category"]["official_information"] == 1
    assert snap["by_category"]["privacy"]["edited"] == 1
    assert set(snap["by_category"]) == set(CATEGORIES)
    with pytest.raises(ValueError):
        s.record_event("posted", [])


def test_resets_at_local_midnight():
    day = dt.datetime(2026, 3, 1, 23, 59, 0).timestamp()
    clock = Clock(day)
    s = Stats(clock=clock)
    s.record_check("warn", ["privacy"])
    assert s.snapshot()["checks"] == 1 and s.snapshot()["date"] == "2026-03-01"
    clock.t = dt.datetime(2026, 3, 2, 0, 0, 1).timestamp()
    snap = s.snapshot()
    assert snap["checks"] == 0 and snap["date"] == "2026-03-02"


def test_thread_safe():
    s = Stats()

    def work():
        for _ in range(500):
            s.record_check("warn", ["privacy"])
            s.record_event("override", ["privacy"])

    ts = [threading.Thread(target=work) for _ in range(8)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    snap = s.snapshot()
    assert snap["checks"] == 4000 and snap["overrides"] == 4000


def test_persisted_counts_only_and_survive_restart(tmp_path):
    clock = Clock(dt.datetime(2026, 3, 1, 10).timestamp())
    s = Stats(path=tmp_path, clock=clock)
    s.record_check("block", ["privacy"])
    s.record_event("override", ["privacy"])
    s.flush()
    files = list(tmp_path.glob("stats-*.json"))
    assert [f.name for f in files] == ["stats-2026-03-01.json"]
    raw = files[0].read_text()
    assert SECRET not in raw
    data = json.loads(raw)
    assert data["checks"] == 1
    s2 = Stats(path=tmp_path, clock=clock)
    assert s2.snapshot()["overrides"] == 1 and s2.snapshot()["checks"] == 1


def test_retention_prunes_old_days(tmp_path):
    for day in ("2026-01-01", "2026-02-25", "2026-03-01"):
        (tmp_path / f"stats-{day}.json").write_text("{}")
    (tmp_path / "stats-garbage.json").write_text("{}")
    Stats(path=tmp_path, retention_days=7, clock=Clock(dt.datetime(2026, 3, 1, 10).timestamp()))
    assert sorted(f.name for f in tmp_path.glob("stats-*.json")) == [
        "stats-2026-02-25.json", "stats-2026-03-01.json", "stats-garbage.json",
    ]
    s = Stats(path=tmp_path, retention_days=0, clock=Clock(dt.datetime(2026, 3, 1, 10).timestamp()))
    assert not (tmp_path / "stats-2026-02-25.json").exists()


def test_corrupt_persisted_file_is_ignored(tmp_path):
    clock = Clock(dt.datetime(2026, 3, 1, 10).timestamp())
    (tmp_path / "stats-2026-03-01.json").write_text('{"checks": "many", "verdicts": []')
    assert Stats(path=tmp_path, clock=clock).snapshot()["checks"] == 0
    (tmp_path / "stats-2026-03-01.json").write_text('{"checks": -4, "verdicts": {"ok": true}, "events": 3}')
    assert Stats(path=tmp_path, clock=clock).snapshot()["checks"] == 0


# ----------------------------------------------------------------- blueprint


def write_policy(tmp_path, monkeypatch, settings: dict) -> Path:
    """IT's machine policy, where the isolated environment (conftest) makes the service look."""
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(settings))
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(path))
    return path


@pytest.fixture
def policy(tmp_path, monkeypatch):
    return write_policy(tmp_path, monkeypatch, {"enforcement": "block", "sites": ["x.com"],
                                                "org_terms": ["Project Falcon"]})


@pytest.fixture
def app(policy, fake_scorer, tmp_path):
    """The real app (create_app, the real Checker) with a fake scorer, under a machine policy."""
    return create_app({"CG_SCORER": fake_scorer, "CG_STATS_DIR": str(tmp_path / "stats")})


def post(client, url, body, origin=EXT, token=True, **kw):
    """As the extension posts: its origin and this user's token (auth.py)."""
    headers = {"Origin": origin} if origin else {}
    if token:
        headers.update(token_headers())
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers, **kw)


def get(client, url, **headers):
    """As the CLI reads counters: with the token."""
    return client.get(url, headers={**token_headers(), **headers})


def test_status_json(app, policy):
    c = app.test_client()
    service_state(app).stats.record_check("warn", ["privacy"])
    r = get(c, "/v1/status")
    assert r.status_code == 200
    s = r.get_json()
    assert s["service"]["status"] == "running" and s["service"]["paused"] is False
    assert s["service"]["pause_allowed"] is True and s["service"]["log_file"] is None
    assert 0 <= s["service"]["uptime_s"] < 60
    # the model and pack the real Checker uses
    assert s["model"] == {"status": "ok", "error": None, "name": "fake-keywords", "version": "test"}
    assert s["pack"] == "pk-federal" == app.extensions["conduct_guard"].default_pack
    assert s["machine_policy"] == str(policy)
    assert s["locked"]["enforcement"] == {"value": "block", "source": str(policy)}
    assert s["locked"]["sites"] == {"value": ["x.com"], "source": str(policy)}
    assert set(s["locked"]) == {"enforcement", "sites", "org_terms"}
    assert s["settings"]["require_reason"] is True and s["settings"]["sites"] == ["x.com"]
    assert s["locked"]["org_terms"]["value"] == "1 term(s)"  # organisation terms are not listed
    assert "Project Falcon" not in r.get_data(as_text=True)
    assert s["today"]["checks"] == 1 and s["today"]["flagged"]["privacy"] == 1


def test_status_html_shows_locked_settings_and_counters(app, policy):
    c = app.test_client()
    assert post(c, "/v1/events", {"event": "override", "categories": ["official_information"],
                                  "site": "x.com"}).status_code == 204
    r = get(c, "/status")
    assert r.status_code == 200 and r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    assert "Locked settings" in body and str(policy) in body
    assert "fake-keywords" in body and "pk-federal" in body
    assert "Official information" in body
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]


def test_status_without_a_machine_policy(fake_scorer):
    """No policy file: nothing locked, every setting at its default, the policy path marked absent."""
    app = create_app({"CG_SCORER": fake_scorer})
    c = app.test_client()
    s = get(c, "/v1/status").get_json()
    assert s["locked"] == {} and s["settings"]["enforcement"] == "block"
    assert s["machine_policy"].endswith("(not present)")
    assert "No setting is locked by a machine policy." in get(c, "/status").get_data(as_text=True)


def test_status_follows_the_running_state(app, tmp_path):
    """The tray's pack switch and log file, read from the service state."""
    state = service_state(app)
    state.set_pack("pk-aiou")
    state.log_file = str(tmp_path / "conduct-guard.log")
    s = get(app.test_client(), "/v1/status").get_json()
    assert s["pack"] == s["settings"]["pack"] == "pk-aiou"
    assert s["service"]["log_file"] == state.log_file
    assert app.test_client().get("/v1/health").get_json()["pack"] == "pk-aiou"


def test_events_never_store_text(app):
    c = app.test_client()
    for kind in EVENT_KINDS:
        r = post(c, "/v1/events", {"event": kind, "categories": ["privacy"], "site": "x.com", "text": SECRET})
        assert r.status_code == 204, r.data
    snap = service_state(app).stats.snapshot()
    assert snap["by_category"]["privacy"] == {k: 1 for k in EVENT_KINDS}
    assert SECRET not in json.dumps(snap)
    assert SECRET not in get(c, "/status").get_data(as_text=True)


@pytest.mark.parametrize(
    "body,code",
    [
        ({"event": "posted", "categories": []}, 400),
        ({"categories": []}, 400),
        ({"event": 3}, 400),
        ({"event": "override", "categories": "privacy"}, 400),
        ({"event": "override", "categories": ["gossip"]}, 400),
        ({"event": "override", "categories": [1]}, 400),
        ({"event": "override", "site": 5}, 400),
        (["override"], 400),
    ],
)
def test_bad_events(app, body, code):
    r = post(app.test_client(), "/v1/events", body)
    assert r.status_code == code
    err = r.get_json()["error"]
    assert err["message"] and err["code"]


def test_events_body_must_be_json(app):
    c = app.test_client()
    r = c.post("/v1/events", data="event=override", content_type="text/plain", headers={"Origin": EXT, **token_headers()})
    assert r.status_code == 415
    r = c.post("/v1/events", data="{not json", content_type="application/json", headers={"Origin": EXT, **token_headers()})
    assert r.status_code == 400


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:8000", "null"])
def test_web_origins_are_refused(app, origin):
    c = app.test_client()
    assert post(c, "/v1/events", {"event": "override"}, origin=origin).status_code == 403
    assert post(c, "/v1/pause", {"minutes": 60}, origin=origin).status_code == 403
    assert not service_state(app).is_paused()


def test_extension_and_local_clients_allowed(app):
    c = app.test_client()
    assert post(c, "/v1/events", {"event": "edited"}, origin="moz-extension://5c7a0f2e-3b1d-4c6e-9a8f-0c0d0e0f1a2b").status_code == 204
    assert post(c, "/v1/events", {"event": "edited"}, origin=None).status_code == 204


def test_non_loopback_host_refused(app):
    c = app.test_client()
    r = get(c, "/v1/status", Host="evil.example:47814")
    assert r.status_code == 403
    assert get(c, "/v1/status", Host="127.0.0.1:47814").status_code == 200
    assert get(c, "/v1/status", Host="[::1]:47814").status_code == 200
    assert get(c, "/v1/status", Host="localhost").status_code == 200


def test_pause_and_resume(app):
    c = app.test_client()
    r = post(c, "/v1/pause", {"minutes": 15})
    assert r.status_code == 200 and r.get_json()["paused"] is True
    state = service_state(app)
    assert state.is_paused()
    until = state.paused_until()
    assert 14 * 60 < until - time.time() <= 15 * 60
    assert get(c, "/v1/status").get_json()["service"]["status"] == "paused"
    assert post(c, "/v1/pause", {"minutes": 0}).get_json()["paused"] is False
    assert not state.is_paused()
    for bad in (5, "15", True, -15, None):
        assert post(c, "/v1/pause", {"minutes": bad}).status_code == 400


def test_pause_expires(app):
    state = service_state(app)
    state.clock = Clock(time.time())
    state.pause(15)
    state.clock.t += 15 * 60 - 1
    assert state.is_paused()
    state.clock.t += 1
    assert not state.is_paused() and state.paused_until() is None and state.paused_until_iso() is None


def test_pause_locked_by_policy(tmp_path, monkeypatch, fake_scorer):
    write_policy(tmp_path, monkeypatch, {"allow_pause": False})
    app = create_app({"CG_SCORER": fake_scorer})
    c = app.test_client()
    r = post(c, "/v1/pause", {"minutes": 60})
    assert r.status_code == 403 and "allow_pause" in r.get_json()["error"]["message"]
    assert post(c, "/v1/pause", {"minutes": 0}).status_code == 200  # resuming is always fine
    with pytest.raises(PermissionError):
        service_state(app).pause(15)
    assert get(c, "/v1/status").get_json()["service"]["pause_allowed"] is False


def test_with_the_real_app(tmp_path, monkeypatch, fake_scorer):
    """The lead's create_app wires the blueprint and the counters in; /v1/check is counted."""
    pol = tmp_path / "policy.json"
    pol.write_text(json.dumps({"enforcement": "warn", "allow_pause": False}))
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(pol))
    app = create_app({"CG_SCORER": fake_scorer, "CG_STATS_DIR": str(tmp_path / "stats")})
    c = app.test_client()
    r = c.post("/v1/check", json={"text": "Here is the draft summary before notification."})
    assert r.status_code == 200
    s = get(c, "/v1/status").get_json()
    assert s["service"]["status"] == "running" and s["model"]["name"] == "fake-keywords"
    assert s["locked"]["enforcement"] == {"value": "warn", "source": str(pol)}
    assert s["service"]["pause_allowed"] is False
    assert s["today"]["checks"] == 1 and s["today"]["verdicts"]["ok"] == 0
    html_page = get(c, "/status").get_data(as_text=True)
    assert str(pol) in html_page and "draft summary" not in html_page


def test_health_and_pause_agree(fake_scorer):
    """One pause state: what POST /v1/pause set is what /v1/health, /v1/status and /v1/check
    report (the extension learns the pause from /v1/health), and a resume clears it everywhere."""
    app = create_app({"CG_SCORER": fake_scorer})
    c = app.test_client()
    text = {"text": "Here is the draft summary before notification."}
    health = c.get("/v1/health").get_json()
    assert health["paused"] is False and health["paused_until"] is None
    plain = c.post("/v1/check", json=text).get_json()
    assert "paused" not in plain and "paused_until" not in plain

    r = post(c, "/v1/pause", {"minutes": 15}, origin=None)  # as the status page and local scripts do
    assert r.status_code == 200
    until = r.get_json()["paused_until"]
    assert r.get_json()["paused"] is True and until
    health = c.get("/v1/health").get_json()
    assert health["paused"] is True and health["paused_until"] == until
    assert get(c, "/v1/status").get_json()["service"]["paused_until"] == until
    ends = dt.datetime.fromisoformat(until)
    assert ends.tzinfo is not None and 14 * 60 < ends.timestamp() - time.time() <= 15 * 60 + 1
    # never earlier than the service's own end, so a client resuming at that time finds it resumed
    assert ends.timestamp() >= service_state(app).paused_until()
    # /v1/check still answers (same verdict and findings), and says it is paused
    during = c.post("/v1/check", json=text).get_json()
    assert during["paused"] is True and during["paused_until"] == until
    assert (during["verdict"], during["findings"]) == (plain["verdict"], plain["findings"])

    r = post(c, "/v1/pause", {"minutes": 0}, origin=None)
    assert r.get_json() == {"paused": False, "paused_until": None}
    health = c.get("/v1/health").get_json()
    assert health["paused"] is False and health["paused_until"] is None
    assert "paused" not in c.post("/v1/check", json=text).get_json()

    # a pause that ran out is over for every endpoint at once
    post(c, "/v1/pause", {"minutes": 60}, origin=None)
    service_state(app).clock = lambda: time.time() + 60 * 60
    assert c.get("/v1/health").get_json()["paused"] is False
    assert get(c, "/v1/status").get_json()["service"]["paused"] is False


def test_dismissals_are_counted(app):
    """'Ignore for this post' and "don't check this box" are events of their own (counts only)."""
    c = app.test_client()
    assert post(c, "/v1/events", {"event": "ignored", "categories": ["official_information"], "site": "x.com"}).status_code == 204
    assert post(c, "/v1/events", {"event": "opted_out", "categories": ["official_information"]}).status_code == 204
    today = get(c, "/v1/status").get_json()["today"]
    assert (today["ignored"], today["opted_out"]) == (1, 1)
    assert today["by_category"]["official_information"]["ignored"] == 1
    page = get(c, "/status").get_data(as_text=True)
    assert "Ignored for a post" in page and "Boxes taken out of checking" in page
