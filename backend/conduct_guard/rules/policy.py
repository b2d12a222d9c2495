"""Applying a policy pack (``pack.py``): from category evidence to contract findings, severity and
verdict. The pack decides whether a category is a problem for this officer, how bad, and which rule
says so; context rules (phrases, sites, account) add or sharpen findings; IT's enforcement may turn
blocks into warnings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable

from .i18n import BASE_LANG, resolve_lang
from .pack import ACCOUNTS, DEFAULT_ACCOUNT, ContextRule, Pack, Rule
from ..categories import CATEGORIES
from ..recognisers import phrase_pattern
from ..engine.segment import clip_spans

__all__ = ["EvidenceLike", "CheckContext", "apply_pack", "verdict_of", "enforce"]

_SEVERITY_RANK = {"info": 0, "warn": 1, "block": 2}


@runtime_checkable
class EvidenceLike(Protocol):
    """What policy needs from ``explain.Evidence`` (kept structural so either side can change)."""

    category: str
    score: float
    spans: Sequence[Sequence[int]]
    recognisers: Sequence[str]


@dataclass(frozen=True)
class CheckContext:
    """Where the post is going: ``account`` is "personal" or "official" (None: the pack's
    ``default_account``); ``site`` is the host name, e.g. "x.com" or "web.whatsapp.com"."""

    account: str | None = DEFAULT_ACCOUNT
    site: str | None = None


def _valid_score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return min(1.0, max(0.0, float(value)))


def _phrase_spans(text: str, phrases: tuple[str, ...]) -> list[list[int]]:
    pattern = phrase_pattern(phrases)
    if pattern is None:
        return []
    return [[m.start(), m.end()] for m in pattern.finditer(text) if m.end() > m.start()]


def _site_matches(site: str | None, patterns: tuple[str, ...]) -> bool:
    """``sites`` entries match the host itself or any subdomain: "whatsapp.com" matches
    "web.whatsapp.com"."""
    if not site:
        return False
    host = site.strip().lower().rstrip(".")
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split(":", 1)[0]
    return any(host == p or host.endswith("." + p) for p in patterns)


def _triggered(
    cr: ContextRule,
    text: str,
    scores: Mapping[str, tuple[float, list[list[int]]]],
    account: str,
    site: str | None,
    limit: Callable[[str], float],
) -> tuple[bool, list[str], list[list[int]]]:
    """Whether ``cr`` applies, the categories that triggered it, and the text spans behind it."""
    if cr.account is not None and cr.account != account:
        return False, [], []
    if cr.sites and not _site_matches(site, cr.sites):
        return False, [], []
    if cr.text_none and _phrase_spans(text, cr.text_none):
        return False, [], []
    spans: list[list[int]] = []
    if cr.text_any:
        hits = _phrase_spans(text, cr.text_any)
        if not hits:
            return False, [], []
        spans.extend(hits)
    cats: list[str] = []
    if cr.categories_any:
        for cat in cr.categories_any:
            if cat not in scores:
                continue
            score, cat_spans = scores[cat]
            needed = cr.min_score if cr.min_score is not None else limit(cat)
            if score >= needed:
                cats.append(cat)
                spans.extend(cat_spans)
        if not cats:
            return False, [], []
    return True, cats, spans


def _rule_dict(pack: Pack, rule: Rule | ContextRule, lang: str, instead_of: Rule | None = None) -> dict[str, Any]:
    """A finding's ``rule``: the contract's four keys, then the rule's own words and document.

    ``quote`` is the rule as the source words it, ``source_title``/``source_date`` name the
    document (never just its file name), ``instead`` says what to do instead (a context rule
    without one borrows ``instead_of``'s, its category rule's); ``note`` (only where the pack has
    one) says e.g. that the source has no specific rule on the category.  ``lang`` is the language
    of the texts (and of the finding's message), already resolved against the pack.  An English
    rule is exactly as it always was; a translated one also says its language (``lang``), and
    since its ``quote`` is then the pack's unofficial translation, it carries the binding English
    quote (``quote_original``) and the pack's note saying so (``quote_note``).
    """
    instead = rule.text("instead", lang) or (instead_of.text("instead", lang) if instead_of else "") or ""
    out: dict[str, Any] = {"pack": pack.id, "ref": rule.ref, "title": rule.text("title", lang) or "",
                           "source": rule.source, **pack.rule_source(rule), "quote": rule.text("quote", lang),
                           "instead": instead}
    if rule.note:
        out["note"] = rule.text("note", lang)
    if lang != BASE_LANG:
        out.update(lang=lang, quote_original=rule.quote, quote_note=pack.i18n[lang]["quote_note"])
    return out


def _sort_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(
        findings,
        key=lambda f: (-_SEVERITY_RANK.get(f["severity"], 0), -f["score"], order.get(f["category"], 99)),
    )


def apply_pack(
    pack: Pack,
    text: str,
    evidence: Mapping[str, EvidenceLike],
    context: CheckContext,
    *,
    model_thresholds: Mapping[str, float] | None = None,
    thresholds: Mapping[str, float] | None = None,
    lang: str = BASE_LANG,
) -> list[dict[str, Any]]:
    """Contract findings for one post under ``pack``.

    One finding per category whose evidence score reaches the pack's threshold (``null`` in
    the pack means ``model_thresholds[category]``, 0.5 if not given), with the severity of the
    pack's rule as changed by matching ``set_severity`` context rules (in file order, the last
    one wins), plus one finding per matching ``finding`` context rule.  Sorted block > warn >
    info, then by score, highest first.  ``thresholds`` (optional) are final per-category
    thresholds already resolved by the caller (model, pack, IT overrides); when given they win
    over ``pack.threshold(...)``.  Spans are ``[start, end]`` lists inside ``text``.
    A category finding whose severity is ``info`` is left out when a context rule already
    produced a finding for that category (one tip card, not two).
    ``lang`` (CONTRACT ``lang``) asks for each finding's message and rule texts in that language;
    they come in it where the pack has it, in English otherwise (then ``rule`` has no ``lang``).
    Only the texts change with it, never which findings there are or their severity.
    """
    n = len(text)
    lang = resolve_lang(lang, pack.languages)

    def limit(category: str) -> float:
        if thresholds is not None:
            value = _valid_score(thresholds.get(category))
            if value is not None:
                return value
        return pack.threshold(category, model_thresholds)

    account = context.account if context.account in ACCOUNTS else pack.default_account
    scores: dict[str, tuple[float, list[list[int]]]] = {}
    for cat in CATEGORIES:
        ev = evidence.get(cat) if evidence else None
        if ev is None:
            continue
        score = _valid_score(getattr(ev, "score", None))
        if score is None:
            continue
        scores[cat] = (score, clip_spans(getattr(ev, "spans", ()), n))

    severity = {r.category: r.severity for r in pack.rules}
    extra: list[dict[str, Any]] = []
    for cr in pack.context_rules:
        fires, cats, spans = _triggered(cr, text, scores, account, context.site, limit)
        if not fires:
            continue
        if cr.effect == "set_severity":
            for cat in cr.categories:
                severity[cat] = cr.severity or severity[cat]
            continue
        if cr.category is not None:
            category = cr.category
        else:  # strongest triggering category
            category = max(cats, key=lambda c: scores[c][0])
        score = max((scores[c][0] for c in cats), default=1.0)
        extra.append(
            {
                "category": category,
                "score": score,
                "severity": cr.severity or "info",
                "rule": _rule_dict(pack, cr, lang, instead_of=pack.rule(category)),
                "message": cr.text("message", lang) or "",
                "spans": clip_spans(spans, n),
            }
        )

    tipped = {f["category"] for f in extra}
    findings: list[dict[str, Any]] = []
    for rule in pack.rules:
        if rule.category not in scores:
            continue
        if severity[rule.category] == "info" and rule.category in tipped:
            continue  # a context tip about this category replaces its own info card
        score, spans = scores[rule.category]
        if score < limit(rule.category):
            continue
        findings.append(
            {
                "category": rule.category,
                "score": score,
                "severity": severity[rule.category],
                "rule": _rule_dict(pack, rule, lang),
                "message": rule.text("message", lang),
                "spans": spans,
            }
        )
    return _sort_findings(findings + extra)


def verdict_of(findings: Sequence[Mapping[str, Any]]) -> str:
    """``block`` if any finding is ``block``, else ``warn`` if any is ``warn``, else ``ok``.

    ``info`` findings (tips) never change the verdict.  This is the contract's rule verbatim.
    """
    severities = {f.get("severity") for f in findings}
    if "block" in severities:
        return "block"
    if "warn" in severities:
        return "warn"
    return "ok"


def enforce(findings: Sequence[Mapping[str, Any]], enforcement: str) -> list[dict[str, Any]]:
    """Apply IT's enforcement setting: ``"warn"`` caps ``block`` at ``warn`` (advisory-only
    deployments), ``"block"`` leaves findings as they are.  Returns new dicts, re-sorted."""
    if enforcement not in ("warn", "block"):
        raise ValueError(f"enforcement must be 'warn' or 'block', not {enforcement!r}")
    out = [dict(f) for f in findings]
    if enforcement == "warn":
        for f in out:
            if f.get("severity") == "block":
                f["severity"] = "warn"
    return _sort_findings(out)
