"""The status page's buttons (status_controls.py): pause, resume and the tray's Quit, pressed by
the page itself in a browser that came through the tray's one-time link, and by nothing else.

The real app (create_app, the real guards and credentials) with a fake scorer, through Flask's
test client, which keeps cookies as a browser does. tests/test_tray.py presses the same buttons
on the tray's running service, over HTTP, and sees the tray stop.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest

try:
    import conduct_guard  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from conduct_guard.service.app import create_app
from conduct_guard.service.auth import load_or_create_token, make_ticket
from conduct_guard.service.security import origin_is_own
from conduct_guard.service.service_strings import STRINGS
from conduct_guard.service.state import service_state
from conftest import token_headers

OWN = "http://localhost"  # the test client's Host is "localhost"


@pytest.fixture
def app(fake_scorer, tmp_path):
    return create_app({"CG_SCORER": fake_scorer, "CG_STATS_DIR": str(tmp_path / "stats")})


def page_client(app):
    """A browser that came through the one-time link (it now holds the page's cookie)."""
    client = app.test_client()
    assert client.get("/status?ticket=" + make_ticket(load_or_create_token())).status_code == 303
    return client


def press(client, action, origin=OWN, **fields):
    headers = {"Origin": origin} if origin is not None else {}
    return client.post(f"/status/{action}", data={"lang": "en", **fields}, headers=headers)


def test_buttons_pause_and_resume_and_come_back_to_the_page(app):
    client = page_client(app)
    page = client.get("/status").get_data(as_text=True)
    assert 'id="controls"' in page and 'action="/status/pause"' in page
    assert "Pause for 15 minutes" in page and "Pause for 1 hour" in page and ">Resume<" not in page
    assert "Quit Conduct Guard" not in page  # no tray: nothing to quit from the page

    r = press(client, "pause", minutes="15", lang="ur")
    assert r.status_code == 303 and r.headers["Location"] == "/status?lang=ur"
    assert service_state(app).is_paused()
    page = client.get("/status?lang=ur").get_data(as_text=True)
    assert STRINGS["ur"]["resume"] in page and 'value="0"' in page
    assert press(client, "pause", minutes="0").status_code == 303 and not service_state(app).is_paused()
    for bad in ("5", "", "15.0", "-15"):
        assert press(client, "pause", minutes=bad).status_code == 400
    assert not service_state(app).is_paused()


def test_quit_answers_then_calls_the_trays_quit(app):
    quit_called = threading.Event()
    service_state(app).on_quit = quit_called.set
    client = page_client(app)
    assert "Quit Conduct Guard" in client.get("/status").get_data(as_text=True)
    r = press(client, "quit", lang="hi")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and STRINGS["hi"]["stopped"].format(command="conduct-guard tray") in body
    assert '<html lang="hi" dir="ltr">' in body and "refresh" not in body
    r.close()  # the server hands the answer over, then the tray's quit runs (in its own thread)
    assert quit_called.wait(5)


def test_quit_is_not_offered_without_the_tray(app):
    client = page_client(app)
    assert press(client, "quit").status_code == 404


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1:47814",
                                    "chrome-extension://gimofbgcmiikbofmepaaikmlgcafbghm", None])
def test_other_origins_cannot_press_them(app, origin):
    """A web page's form (its own origin), a file: or sandboxed page (null), another loopback
    port, the extension, or a POST with no Origin at all: refused, even holding the cookie."""
    quit_called = threading.Event()
    service_state(app).on_quit = quit_called.set
    client = page_client(app)
    assert press(client, "pause", origin=origin, minutes="60").status_code == 403
    r = press(client, "quit", origin=origin)
    assert r.status_code == 403
    r.close()
    assert not service_state(app).is_paused() and not quit_called.wait(0.3)


def test_the_page_itself_needs_the_cookie(app):
    """Another local user's browser, or the page typed in by hand: no buttons, and pressing is refused
    (the token opens the JSON API, not the page's buttons)."""
    service_state(app).on_quit = lambda: None
    stranger = app.test_client()
    page = stranger.get("/status").get_data(as_text=True)
    assert 'id="controls"' not in page
    assert press(stranger, "pause", minutes="60").status_code == 403
    assert press(stranger, "quit").status_code == 403
    r = stranger.post("/status/quit", data={"lang": "en"}, headers={"Origin": OWN, **token_headers()})
    assert r.status_code == 403 and not service_state(app).is_paused()
    # a link used once opens nothing again
    ticket = make_ticket(load_or_create_token())
    first, second = app.test_client(), app.test_client()
    first.get("/status?ticket=" + ticket)
    second.get("/status?ticket=" + ticket)
    assert press(first, "pause", minutes="15").status_code == 303
    assert press(second, "pause", minutes="0").status_code == 403 and service_state(app).is_paused()


def test_no_pause_buttons_when_it_locks_pausing(fake_scorer, tmp_path, monkeypatch):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"allow_pause": False}))
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(policy))
    app = create_app({"CG_SCORER": fake_scorer, "CG_STATS_DIR": str(tmp_path / "stats")})
    client = page_client(app)
    assert 'id="controls"' not in client.get("/status").get_data(as_text=True)
    r = press(client, "pause", minutes="15")
    assert r.status_code == 403 and "allow_pause" in r.get_json()["error"]["message"]


def test_the_page_posts_only_to_itself(app):
    headers = page_client(app).get("/status").headers
    assert "form-action 'self'" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # forms, no script


def test_origin_is_own():
    assert origin_is_own("http://127.0.0.1:47814", "127.0.0.1:47814")
    assert origin_is_own("http://localhost:47814", "localhost:47814")
    assert origin_is_own("http://[::1]:47814", "[::1]:47814")
    assert not origin_is_own("http://127.0.0.1:47814", "localhost:47814")  # another origin
    assert not origin_is_own("http://127.0.0.1:8000", "127.0.0.1:47814")
    assert not origin_is_own("https://127.0.0.1:47814", "127.0.0.1:47814")
    assert not origin_is_own("http://evil.example:47814", "evil.example:47814")  # DNS rebinding
    assert not origin_is_own("null", "127.0.0.1:47814")
    assert not origin_is_own(None, "127.0.0.1:47814") and not origin_is_own("http://127.0.0.1", None)
