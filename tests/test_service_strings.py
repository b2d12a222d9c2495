"""The status page and the tray menu in the officer's languages (issue 23): every string in every
language, the page's language choice and direction, the tray's labels (without a display)."""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path

import pytest

from conduct_guard.service.app import create_app
from conduct_guard.categories import CATEGORIES, PLAIN_NAMES
from conduct_guard.service.service_strings import (LANGS, STRINGS, check_complete, direction, lang_from_accept_language,
                                           number, pick_lang, system_lang, t)
from conduct_guard.service.state import PAUSE_MINUTES, service_state
from conduct_guard.service.stats import EVENT_KINDS
from conduct_guard.engine.modelinfo import ModelError
from conduct_guard.desktop.tray import TrayController
from conduct_guard.desktop.tray_menu import menu_labels
from conduct_guard.desktop.tray_model import tray_language
from conduct_guard.desktop.tray_service import explain
from conftest import token_headers

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "extension" / "_locales"
SCRIPTS = {"ur": "\u0600-\u06ff", "hi": "\u0900-\u097f", "bn": "\u0980-\u09ff", "gu": "\u0a80-\u0aff"}


# ----------------------------------------------------------------- the strings themselves


def test_every_string_in_every_language_with_the_same_placeholders():
    assert set(STRINGS) == set(LANGS)
    assert check_complete() == []


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_translations_are_in_their_own_script(lang):
    """No English left behind: every text has letters of its script (names such as Conduct Guard
    and IT may stay in Latin letters beside them)."""
    script = re.compile(f"[{SCRIPTS[lang]}]")
    untranslated = [key for key, text in STRINGS[lang].items() if not script.search(text)]
    assert untranslated == []


def test_category_names_are_the_extensions():
    """The same category names as the extension's badge, cards and options page; English is
    categories.PLAIN_NAMES."""
    assert {STRINGS["en"][f"cat_{c}"] for c in CATEGORIES} == set(PLAIN_NAMES.values())
    for lang in LANGS:
        if lang == "en":
            continue
        messages = json.loads((LOCALES / lang / "messages.json").read_text(encoding="utf-8"))
        for c in CATEGORIES:
            assert STRINGS[lang][f"cat_{c}"] == messages[f"category_{c}"]["message"], (lang, c)


@pytest.mark.parametrize("lang,key,ext_key", [
    (lang, key, ext_key) for lang in ("ur", "hi", "bn", "gu") for key, ext_key in (
        ("pack", "popup_pack"), ("resume", "popup_resume"), ("warnings", "options_counter_warning_shown"),
        ("edits", "options_counter_edited"), ("not_a_problem", "options_counter_not_a_problem"),
        ("ignored", "options_counter_ignored"), ("opted_out", "options_counter_opted_out"),
        ("source_locked", "locked"), ("model", "popup_model"), ("language", "options_language"))])
def test_shared_terms_are_the_extensions(lang, key, ext_key):
    messages = json.loads((LOCALES / lang / "messages.json").read_text(encoding="utf-8"))
    assert STRINGS[lang][key] == messages[ext_key]["message"]


def test_numbers_plurals_and_direction():
    assert number(2026, "bn") == "২০২৬" and number("12:05", "gu") == "૧૨:૦૫"
    assert number(18, "ur") == "18" and number(18, "hi") == "18"
    assert t("en", "org_terms", count=1) == "1 term" and t("en", "org_terms", count=3) == "3 terms"
    assert t("bn", "org_terms", count=3) == "৩টি শব্দ"
    assert direction("ur") == "rtl" and {direction(x) for x in LANGS if x != "ur"} == {"ltr"}
    assert t("xx", "quit") == "Quit"  # an unknown language is English


def test_language_choice_helpers():
    assert lang_from_accept_language("bn-BD,bn;q=0.9,en;q=0.8") == "bn"
    assert lang_from_accept_language("fr-FR, en;q=0.5, ur;q=0.9") == "ur"
    assert lang_from_accept_language("fr, de") is None and lang_from_accept_language("") is None
    assert lang_from_accept_language("ur;q=0, hi") == "hi"
    assert pick_lang(["fr", None, "gu"]) == "gu" and pick_lang([None, "zz"]) == "en"
    assert system_lang(lambda: ("ur_PK", "UTF-8")) == "ur"
    assert system_lang(lambda: ("Gujarati_India", "1252")) == "gu"
    assert system_lang(lambda: (None, None)) is None


# ----------------------------------------------------------------- the status page


@pytest.fixture
def page_app(fake_scorer):
    return create_app({"CG_SCORER": fake_scorer})


def _html_tag(body: str) -> str:
    return re.search(r"<html[^>]*>", body).group(0)


def test_status_in_urdu_is_right_to_left(page_app):
    r = page_app.test_client().get("/status?lang=ur", headers=token_headers())  # with its counts
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert _html_tag(body) == '<html lang="ur" dir="rtl">'
    assert STRINGS["ur"]["page_title"] in body and STRINGS["ur"]["h_locked"] in body
    assert STRINGS["ur"]["cat_official_information"] in body
    assert "Locked settings" not in body and r.headers["Content-Language"] == "ur"


def test_accept_language_bangla(page_app):
    c = page_app.test_client()
    assert post_event(c, "warning_shown", ["privacy"]) == 204
    body = c.get("/status", headers={"Accept-Language": "bn-BD,bn;q=0.9,en;q=0.5", **token_headers()}).get_data(as_text=True)
    assert _html_tag(body) == '<html lang="bn" dir="ltr">'
    assert STRINGS["bn"]["h_today"].split(" ")[0] in body and STRINGS["bn"]["cat_privacy"] in body
    assert "<td class=num>১</td>" in body  # the warning, in Bengali digits


def test_query_wins_over_accept_language(page_app):
    body = page_app.test_client().get("/status?lang=hi", headers={"Accept-Language": "bn"}).get_data(as_text=True)
    assert _html_tag(body) == '<html lang="hi" dir="ltr">' and STRINGS["hi"]["h_service"] in body


@pytest.mark.parametrize("query", ["?lang=fr", "?lang=", "?lang=%3Cscript%3E", ""])
def test_unknown_language_is_english_not_an_error(page_app, query):
    r = page_app.test_client().get("/status" + query, headers={"Accept-Language": "de-DE,fr;q=0.8"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and _html_tag(body) == '<html lang="en" dir="ltr">'
    assert "Locked settings" in body and "<script>" not in body


def test_configured_ui_language_when_the_browser_names_none(fake_scorer, tmp_path, monkeypatch):
    """The officer's (or IT's) ui_language when neither ?lang nor Accept-Language gives one."""
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"ui_language": "gu"}))
    monkeypatch.setenv("CONDUCT_GUARD_CONFIG", str(cfg))
    app = create_app({"CG_SCORER": fake_scorer})
    c = app.test_client()
    body = c.get("/status").get_data(as_text=True)
    assert _html_tag(body) == '<html lang="gu" dir="ltr">' and STRINGS["gu"]["page_title"] in body
    # the browser's language still wins, and ?lang over both
    assert _html_tag(c.get("/status", headers={"Accept-Language": "ur"}).get_data(as_text=True)).endswith('dir="rtl">')
    assert 'lang="en"' in _html_tag(c.get("/status?lang=en").get_data(as_text=True))
    # the JSON shows the setting and stays English
    assert c.get("/v1/status", headers=token_headers()).get_json()["settings"]["ui_language"] == "gu"


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_renders_with_a_pause_and_counts(page_app, lang):
    state = service_state(page_app)
    state.pause(15)
    c = page_app.test_client()
    for kind in EVENT_KINDS:
        assert post_event(c, kind, ["official_information"]) == 204
    body = c.get(f"/status?lang={lang}", headers=token_headers()).get_data(as_text=True)
    assert f'lang="{lang}" dir="{direction(lang)}"' in body
    assert STRINGS[lang]["state_paused"] in body and "<time datetime=" in body
    for key in ("counts_only", "h_categories", "col_flagged", "h_settings"):
        assert STRINGS[lang][key] in body, key
    assert not re.search(r"\{[a-z_]+\}", body)  # every placeholder filled


def post_event(c, kind, cats):
    return c.post("/v1/events", json={"event": kind, "categories": cats}, headers=token_headers()).status_code


# ----------------------------------------------------------------- the tray (no display)


@pytest.mark.parametrize("lang", LANGS)
def test_tray_labels_in_each_language(lang):
    labels = menu_labels(lang)
    assert labels["quit"] == STRINGS[lang]["quit"] and labels["pack"] == STRINGS[lang]["pack"]
    assert set(labels) >= {f"pause_{m}" for m in PAUSE_MINUTES}
    assert len(set(labels.values())) == len(labels)  # no two menu entries read the same


def test_tray_labels_in_urdu_and_gujarati():
    assert menu_labels("ur")["pause_15"] == "15 منٹ کے لیے جانچ روکیں"
    assert menu_labels("gu")["pause_15"] == "૧૫ મિનિટ માટે ચકાસણી થોભાવો"
    assert menu_labels("xx") == menu_labels("en")
    assert menu_labels("en")["pause_60"] == "Pause for 1 hour"


def test_tray_language_from_setting_then_system_locale():
    assert tray_language("hi", getlocale=lambda: ("bn_BD", "UTF-8")) == "hi"
    assert tray_language(None, getlocale=lambda: ("bn_BD", "UTF-8")) == "bn"
    assert tray_language(None, getlocale=lambda: ("fr_FR", "UTF-8")) == "en"
    assert tray_language(None, getlocale=lambda: (None, None)) == "en"


def test_tray_controller_lines_in_the_chosen_language(fake_scorer, monkeypatch):
    ctl = TrayController(lang="ur", app_factory=lambda: create_app({"CG_SCORER": fake_scorer}))
    assert ctl.model.lang == "ur" and ctl.model.status_line() == STRINGS["ur"]["tray_starting"]
    assert menu_labels(ctl.model.lang)["open_status"] == "صورتِ حال کا صفحہ کھولیں"
    ctl.runner.app = ctl.runner.app_factory()
    ctl.runner.server = object()  # as if serving; nothing listens
    assert ctl.model.status_line().startswith("Conduct Guard: جانچ جاری ہے")
    ctl.pause(15)
    assert "تک رکی ہوئی ہے" in ctl.model.status_line()
    # the configured ui_language, where none was given
    gu = TrayController(app_factory=lambda: create_app({"CG_SCORER": fake_scorer, "CG_UI_LANGUAGE": "gu"}))
    gu.runner.app = gu.runner.app_factory()
    assert gu.model.lang == "gu" and menu_labels(gu.model.lang)["quit"] == "બંધ કરો"
    # errors: the officer's language on screen
    err = explain(ModelError("models/model.onnx: model file is missing"), 47814, "hi")
    assert err.startswith("जाँच का मॉडल") and "models/model.onnx: model file is missing" in err
    busy = explain(OSError(errno.EADDRINUSE, "in use"), 47814, "bn")
    assert busy.startswith("পোর্ট 47814") and STRINGS["bn"]["retry"] in busy
