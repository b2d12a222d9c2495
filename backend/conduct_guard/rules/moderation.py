"""Moderation assist: what an admin should do about other people's messages, under a pack.

The officer's own rules (``Pack.rules``) say what the officer may not post.  Admins of a group or
an official page have a second duty: the Establishment Division O.M. of 25 Aug 2021 tells an
organisation to "edit their social media platforms continuously or frequently to remove
offensive, inappropriate and objectionable remarks" (para 5) and makes the serving officers who
are a group's admins liable for a violation committed on it (para 6).  That duty is about other
people's words, and it is narrower: a citizen's political opinion or criticism of a policy is
public feedback the O.M. welcomes, not something to remove.  So a pack's ``moderation`` section
lists only the categories an admin should act on, each with the rule that says so and the
action (hide, delete, warn the member, report); categories it does not list are never flagged.

The model, recognisers and thresholds are the officer's own (the same evidence), only the
mapping differs.  Nothing here sees more than one message at a time, so a mark is a function of
the message alone, like a check result (CONTRACT).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..categories import CATEGORIES
from .i18n import BASE_LANG, localized, resolve_lang
from ..engine.segment import clip_spans

# What an admin can do about a message, mildest first; a rule lists one or more.
ACTIONS: tuple[str, ...] = ("hide", "warn_member", "delete", "report")
# Messages in one POST /v1/moderate: a screenful of chat is 20-40; 100 keeps a request under a
# second on this machine (about 6 ms a short message) while the officer's own checks wait.
MAX_MESSAGES = 100


@dataclass(frozen=True)
class ModerationRule:
    """The rule that makes an admin act on a message of ``category``."""

    category: str
    ref: str
    title: str
    source: str
    quote: str
    actions: tuple[str, ...]
    message: str
    document: str | None = None
    note: str | None = None
    i18n: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def text(self, key: str, lang: str) -> str | None:
        """``key`` ("title", "message", "quote", "note") in ``lang``, else English."""
        return localized(getattr(self, key), self.i18n, key, lang)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ref": self.ref, "title": self.title, "source": self.source}
        if self.document:
            out["document"] = self.document
        out.update(quote=self.quote, actions=list(self.actions), message=self.message)
        if self.note:
            out["note"] = self.note
        if self.i18n:
            out["i18n"] = {lang: dict(texts) for lang, texts in self.i18n.items()}
        return out


def parse_moderation(section: Mapping[str, Any] | None, frozen) -> tuple[ModerationRule, ...]:
    """The ``moderation.categories`` of a (schema-valid) pack file, in CATEGORIES order."""
    rules = (section or {}).get("categories") or {}
    return tuple(
        ModerationRule(category=cat, ref=r["ref"], title=r["title"], source=r["source"], quote=r["quote"],
                       actions=tuple(a for a in ACTIONS if a in r["actions"]), message=r["message"],
                       document=r.get("document"), note=r.get("note"), i18n=frozen(r.get("i18n", {})))
        for cat in CATEGORIES if cat in rules
        for r in (rules[cat],)
    )


@dataclass(frozen=True)
class ModerateRequest:
    """``POST /v1/moderate``: the visible messages of one group or page, each checked alone."""

    messages: tuple[tuple[str, str], ...]  # (id, text)
    pack: str | None = None
    site: str | None = None
    lang: str = BASE_LANG

    @classmethod
    def from_mapping(cls, data: Mapping, packs: Mapping[str, Any]) -> "ModerateRequest":
        """The one parser of a moderation request; :class:`~conduct_guard.checker.RequestError` on a mistake."""
        from ..checker import CheckRequest, RequestError  # the check request's own rules, once

        messages = data.get("messages")
        if not isinstance(messages, list):
            raise RequestError("'messages' must be a list of {\"id\", \"text\"} objects", code="missing_messages")
        if len(messages) > MAX_MESSAGES:
            raise RequestError(f"at most {MAX_MESSAGES} messages per request", 413, "too_many_messages")
        # pack, site and lang are a check's: validated by the same code as POST /v1/check
        common = CheckRequest.from_mapping({**{k: data.get(k) for k in ("pack", "site", "lang")}, "text": ""}, packs)
        parsed, seen = [], set()
        for i, item in enumerate(messages):
            if not isinstance(item, dict):
                raise RequestError(f"messages[{i}] must be an object with 'id' and 'text'")
            mid = item.get("id")
            if not isinstance(mid, str) or not mid or len(mid) > 200:
                raise RequestError(f"messages[{i}].id must be a non-empty string of at most 200 characters")
            if mid in seen:
                raise RequestError(f"messages[{i}].id {mid!r} is given twice")
            seen.add(mid)
            try:
                text = CheckRequest.from_mapping({"text": item.get("text")}, packs).text
            except RequestError as exc:
                raise RequestError(f"messages[{i}]: {exc}", exc.status, exc.code) from None
            parsed.append((mid, text))
        return cls(messages=tuple(parsed), pack=common.pack, site=common.site, lang=common.lang)


def apply_moderation(pack, text: str, evidence: Mapping[str, Any], thresholds: Mapping[str, float],
                     lang: str = BASE_LANG) -> list[dict[str, Any]]:
    """The marks for one message: one per moderation category whose evidence reaches its
    threshold (the officer's own, already resolved by the Checker), strongest first."""
    lang = resolve_lang(lang, pack.languages)
    marks = []
    for rule in pack.moderation:
        ev = evidence.get(rule.category)
        if ev is None or ev.score < thresholds.get(rule.category, 0.5):
            continue
        marks.append({
            "category": rule.category,
            "score": round(float(ev.score), 4),
            "actions": list(rule.actions),
            "rule": {"pack": pack.id, "ref": rule.ref, "title": rule.text("title", lang) or "",
                     "source": rule.source, **pack.rule_source(rule), "quote": rule.text("quote", lang),
                     **({"note": rule.text("note", lang)} if rule.note else {})},
            "message": rule.text("message", lang),
            "spans": clip_spans(ev.spans, len(text)),
        })
    return sorted(marks, key=lambda m: (-m["score"], CATEGORIES.index(m["category"])))
