"""The whole check of one post: score → recognise → explain → apply the policy pack."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Protocol, Sequence

from .engine.explain import build_evidence
from .rules.moderation import ModerateRequest, apply_moderation
from .rules.i18n import LANGS  # languages a result's texts can be asked in (CONTRACT `lang`)
from .rules.pack import ACCOUNTS, DEFAULT_ACCOUNT, Pack
from .rules.policy import CheckContext, apply_pack, enforce, verdict_of
from .recognisers import find_matches
from .engine.scoring import LOCAL_CLIENT, SCREEN_FRACTION, TextScores

MAX_TEXT_CHARS = 20_000


def _one_of(values: Sequence[str]) -> str:
    """'a' or 'b' / 'a', 'b' or 'c'."""
    quoted = [f"'{v}'" for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


class RequestError(ValueError):
    """A check request the caller got wrong; status and code are the HTTP API's (CONTRACT)."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status or self.status
        self.code = code or self.code


class UnknownPack(RequestError):
    code = "unknown_pack"


class BadAccount(RequestError):
    code = "unknown_account"


class Scorer(Protocol):
    """What the checker needs of a classifier (the real one, or a small fake in tests)."""

    labels: tuple[str, ...]

    def score_many(self, texts: Iterable[str], client: str = LOCAL_CLIENT,
                   screen: Sequence[float] | None = None) -> list[TextScores]: ...

    def model_public(self) -> dict: ...


def screen_for(pack: Pack, thresholds: Mapping[str, float], labels: Sequence[str]) -> list[float]:
    """Per label, SCREEN_FRACTION of the lowest score that can raise a finding in ``pack``: its
    threshold, or a context rule's own min_score (the screen of scoring.Classifier.score_many)."""
    lowest = {c: thresholds[c] for c in labels}
    for rule in pack.context_rules:
        if rule.min_score is not None:
            for category in rule.categories_any:
                if category in lowest:
                    lowest[category] = min(lowest[category], rule.min_score)
    return [SCREEN_FRACTION * lowest[c] for c in labels]


@dataclass(frozen=True)
class CheckRequest:
    text: str
    pack: str | None = None
    account: str = DEFAULT_ACCOUNT
    site: str | None = None
    lang: str = "en"

    @classmethod
    def from_mapping(cls, data: Mapping, packs: Mapping[str, "Pack"]) -> "CheckRequest":
        """The one parser of a check request (HTTP body, `check --jsonl` line): RequestError on
        anything the caller got wrong. Optional fields may be absent or null, never another type."""
        text = data.get("text")
        if text is None:
            raise RequestError("'text' is required", code="missing_text")
        if not isinstance(text, str):
            raise RequestError("'text' must be a string")
        if len(text) > MAX_TEXT_CHARS:
            raise RequestError(f"'text' is over {MAX_TEXT_CHARS:,} characters", 413, "text_too_long")
        for key in ("pack", "site", "account", "lang"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise RequestError(f"'{key}' must be a string")
        account = data.get("account")
        if account is None:
            account = DEFAULT_ACCOUNT
        if account not in ACCOUNTS:
            raise BadAccount(f"'account' must be {_one_of(ACCOUNTS)}")
        lang = data.get("lang")
        if lang is None:
            lang = "en"
        if lang not in LANGS:
            raise RequestError(f"'lang' must be one of {', '.join(LANGS)}", code="unknown_lang")
        pack = data.get("pack")
        if pack is not None and pack not in packs:
            raise UnknownPack(f"unknown pack '{pack}' (known: {', '.join(sorted(packs))})")
        return cls(text=text, pack=pack, account=account, site=data.get("site"), lang=lang)


@dataclass
class Checker:
    scorer: Scorer
    packs: Mapping[str, Pack]
    default_pack: str
    org_terms: Sequence[str] = ()
    enforcement: str = "block"
    threshold_overrides: Mapping[str, float] = field(default_factory=dict)
    model_thresholds: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.default_pack not in self.packs:
            raise UnknownPack(f"unknown pack '{self.default_pack}' (known: {', '.join(sorted(self.packs))})")
        self._thresholds = {pid: self._resolve_thresholds(p) for pid, p in self.packs.items()}
        self._screens = {pid: screen_for(p, self._thresholds[pid], self.scorer.labels)
                         for pid, p in self.packs.items()}

    def _resolve_thresholds(self, pack: Pack) -> dict[str, float]:
        """Model calibration, then the pack's own choice, then IT's machine policy."""
        resolved = {c: pack.threshold(c, self.model_thresholds) for c in self.scorer.labels}
        resolved.update({c: float(v) for c, v in self.threshold_overrides.items() if c in resolved})
        return resolved

    def validate(self, request: CheckRequest) -> Pack:
        """The pack the request names; ValueError subclasses for anything a caller got wrong."""
        pack_id = request.pack or self.default_pack
        if pack_id not in self.packs:
            raise UnknownPack(f"unknown pack '{pack_id}' (known: {', '.join(sorted(self.packs))})")
        if request.account not in ACCOUNTS:
            raise BadAccount(f"account must be {_one_of(ACCOUNTS)}, not {request.account!r}")
        if request.lang not in LANGS:
            raise RequestError(f"'lang' must be one of {', '.join(LANGS)}", code="unknown_lang")
        return self.packs[pack_id]

    def check(self, text: str, pack: str | None = None, account: str = DEFAULT_ACCOUNT,
              site: str | None = None, lang: str = "en", client: str = LOCAL_CLIENT) -> dict:
        return self.check_many([CheckRequest(text, pack, account, site, lang)], client)[0]

    def check_many(self, requests: Sequence[CheckRequest], client: str = LOCAL_CLIENT) -> list[dict]:
        """Results in order; the model runs once over all texts (batched). ``client`` names who
        asks: the scorer's cache reuses only that client's own earlier checks (scoring.CACHE_CLIENTS)."""
        started = time.perf_counter()
        packs = [self.validate(r) for r in requests]
        all_scores: list[TextScores | None] = [None] * len(requests)
        for pack_id in dict.fromkeys(p.id for p in packs):  # one scoring call per pack named (its screen)
            at = [i for i, p in enumerate(packs) if p.id == pack_id]
            scored = self.scorer.score_many([requests[i].text for i in at], client, self._screens[pack_id])
            for i, scores in zip(at, scored):
                all_scores[i] = scores
        results = []
        for request, pack, scores in zip(requests, packs, all_scores):
            item_started = time.perf_counter() if len(requests) > 1 else started
            results.append(self._finish(request, pack, scores, item_started, client))
        return results

    def _finish(self, request: CheckRequest, pack: Pack, scores: TextScores, started: float,
                client: str) -> dict:
        thresholds = self._thresholds[pack.id]
        matches = find_matches(request.text, self.org_terms)
        # spans narrowed to the sentences that carry a category: only flagged chunks pay (explain.py)
        evidence = build_evidence(scores, matches, thresholds, request.text,
                                  lambda texts: [s.overall for s in self.scorer.score_many(texts, client)])
        context = CheckContext(account=request.account, site=request.site)
        # lang only picks the texts (the pack's, English where it lacks the language): the
        # findings and verdict are the same in every language, so a result stays a function of
        # its request alone.
        findings = enforce(apply_pack(pack, request.text, evidence, context, thresholds=thresholds,
                                      lang=request.lang),
                           self.enforcement)
        return {
            "verdict": verdict_of(findings),
            "scores": {c: round(e.score, 4) for c, e in evidence.items()},
            "findings": findings,
            "pack": pack.id,
            "model": self.scorer.model_public(),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    def moderate(self, request: ModerateRequest, client: str = LOCAL_CLIENT) -> dict:
        """Marks for other people's messages (moderation.py): each message scored alone, so a
        mark is a function of its message, like a check result. No sentence narrowing: the admin
        acts on the whole message, and the history of a group is hundreds of them."""
        started = time.perf_counter()
        pack = self.validate(CheckRequest("", request.pack, DEFAULT_ACCOUNT, request.site, request.lang))
        thresholds = self._thresholds[pack.id]
        texts = [text for _, text in request.messages]
        results = []
        for (message_id, text), scores in zip(request.messages,
                                              self.scorer.score_many(texts, client, self._screens[pack.id])):
            evidence = build_evidence(scores, find_matches(text, self.org_terms), thresholds)
            marks = apply_moderation(pack, text, evidence, thresholds, request.lang)
            results.append({"id": message_id, "flagged": bool(marks),
                            "categories": [m["category"] for m in marks], "marks": marks})
        return {"pack": pack.id, "results": results, "model": self.scorer.model_public(),
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 2)}
