"""Findings in the officer's language: the pack side of CONTRACT's ``lang`` (issue 23).

A pack's English texts are its base: ``/v1/check`` answers in English unless the request asks for
a language the pack has (CONTRACT: "in that language where the pack has them, English
otherwise").  A pack declares the languages it carries in ``languages`` (always with ``"en"``)
and holds the other languages' texts beside the English ones, in an ``i18n`` object keyed by
language, on the pack itself and on each rule::

    "languages": ["en", "ur"],
    "i18n": {"ur": {"title": "...", "quote_note": "..."}},            # the pack
    "categories": {"privacy": {..., "message": "...",
                               "i18n": {"ur": {"title": "...", "message": "...",
                                               "quote": "...", "instead": "...", "note": "..."}}}}

Why this shape: a translation sits next to the English it translates, so a reviewer (or IT
editing its own pack) sees both at once, and the loader can tell exactly which text is missing.

The rule is all or nothing per language: a pack that declares a language has *every* text in it
(each rule's title, message, quote, instead and note, where the English rule has that field;
the pack's title and quote_note).  So a finding never mixes languages, and the check is at load
time, with errors naming the file and key like the other pack errors, not at request time.

Quotes are the binding rule in the source document's own words; their translations are ours and
unofficial.  The pack says so in its own words (``quote_note``), and a translated finding keeps
the English quote beside it (``quote_original``) so the officer can always see the binding text.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["LANGS", "BASE_LANG", "RULE_FIELDS", "PACK_FIELDS", "resolve_lang", "localized", "translation_problems"]

# The languages a result's texts can be asked in (CONTRACT `lang`).
LANGS: tuple[str, ...] = ("en", "ur", "hi", "bn", "gu")
BASE_LANG = "en"
# The texts of a rule that a pack translates, in the order a reader meets them on the card.
RULE_FIELDS: tuple[str, ...] = ("title", "message", "quote", "instead", "note")
# The pack's own translated texts: its title (packs list) and the "unofficial translation" note.
PACK_FIELDS: tuple[str, ...] = ("title", "quote_note")


def resolve_lang(requested: str | None, languages: tuple[str, ...]) -> str:
    """The language a finding under a pack with ``languages`` is given in: the one asked for
    where the pack has it, English otherwise (CONTRACT)."""
    return requested if requested in languages else BASE_LANG


def localized(english: str | None, i18n: Mapping[str, Mapping[str, str]], field: str, lang: str) -> str | None:
    """``field`` in ``lang``: the translation where there is one, else the English text.

    The loader guarantees a declared language has every field the English has, so the fallback
    only serves English itself and languages the pack does not declare."""
    if lang != BASE_LANG:
        value = i18n.get(lang, {}).get(field)
        if value:
            return value
    return english


def translation_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Checks of a pack's translations that the JSON schema cannot express, as (path, message).

    The schema already checks the shape (known language codes, known fields, non-empty text);
    this checks completeness against ``languages``: every declared language has every text the
    English has, and no text is given in a language the pack does not declare.
    """
    out: list[tuple[str, str]] = []
    declared = list(data.get("languages") or [BASE_LANG])
    others = [lang for lang in declared if lang != BASE_LANG]

    def check(base: str, english: Mapping[str, Any], fields: tuple[str, ...], required: tuple[str, ...]) -> None:
        """``base`` is the dotted path of ``english`` ("" for the pack itself)."""
        def at(*parts: str) -> str:
            return ".".join(p for p in (base, *parts) if p)

        i18n = english.get("i18n") or {}
        for lang in i18n:
            if lang not in others:
                out.append((at("i18n", lang),
                            f"{lang!r} is not one of the pack's languages {declared}; add it to 'languages' or remove this"))
        for lang in others:
            given = i18n.get(lang)
            if given is None:
                out.append((at("i18n", lang),
                            f"missing: the pack declares {lang!r} in 'languages', so this needs its texts in {lang!r}"))
                continue
            for field in fields:
                if field in english or field in required:
                    if field not in given:
                        out.append((at("i18n", lang, field),
                                    f"missing: the pack declares {lang!r}, so every {field!r} needs a {lang!r} translation"))
                elif field in given:
                    out.append((at("i18n", lang, field), f"there is no English {field!r} here to translate; remove it"))

    check("", data, PACK_FIELDS, required=("quote_note",))
    for cat, rule in (data.get("categories") or {}).items():
        check(f"categories.{cat}", rule, RULE_FIELDS, required=())
    for i, rule in enumerate(data.get("context_rules") or []):
        check(f"context_rules.{i}", rule, RULE_FIELDS, required=())
    return out
