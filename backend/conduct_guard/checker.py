"""The whole check of one post: score → recognise → explain → apply the policy pack."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Protocol, Sequence

from .explain import build_evidence
from .policy import CheckContext, Pack, apply_pack, enforce, verdict_of
from .recognisers import find_matches
from .scoring import TextScores

ACCOUNTS = ("personal", "official")
MAX_TEXT_CHARS = 20_000


class UnknownPack(ValueError):
    pass


class BadAccount(ValueError):
    pass


class Scorer(Protocol):
    """What the checker needs of a classifier (the real one, or a small fake in tests)."""

    labels: tuple[str, ...]

    def score_many(self, texts: Iterable[str]) -> list[TextScores]: ...

    def model_public(self) -> dict: ...


@dataclass(frozen=True)
class CheckRequest:
    text: str
    pack: str | None = None
    account: str = "personal"
    site: str | None = None


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
            raise BadAccount(f"account must be 'personal' or 'official', not {request.account!r}")
        return self.packs[pack_id]

    def check(self, text: str, pack: str | None = None, account: str = "personal",
              site: str | None = None) -> dict:
        return self.check_many([CheckRequest(text, pack, account, site)])[0]

    def check_many(self, requests: Sequence[CheckRequest]) -> list[dict]:
        """Results in order; the model runs once over all texts (batched)."""
        started = time.perf_counter()
        packs = [self.validate(r) for r in requests]
        all_scores = self.scorer.score_many(r.text for r in requests)
        results = []
        for request, pack, scores in zip(requests, packs, all_scores):
            item_started = time.perf_counter() if len(requests) > 1 else started
            results.append(self._finish(request, pack, scores, item_started))
        return results

    def _finish(self, request: CheckRequest, pack: Pack, scores: TextScores, started: float) -> dict:
        thresholds = self._thresholds[pack.id]
        matches = find_matches(request.text, self.org_terms)
        evidence = build_evidence(scores, matches, thresholds)
        context = CheckContext(account=request.account, site=request.site)
        findings = enforce(apply_pack(pack, request.text, evidence, context, thresholds=thresholds),
                           self.enforcement)
        return {
            "verdict": verdict_of(findings),
            "scores": {c: round(e.score, 4) for c, e in evidence.items()},
            "findings": findings,
            "pack": pack.id,
            "model": self.scorer.model_public(),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 2),
        }
