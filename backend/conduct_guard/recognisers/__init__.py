"""Precise recognisers: things a model should not have to guess.

National ID numbers, phone numbers, e-mail addresses, official file numbers, classification
markings and terms that IT configures (project code names, internal system names) have a
*shape*.  Finding them with exact code-point spans lets the warning card point at the very
characters that break the rule, and each match's confidence becomes a floor for its category's
score (see ``explain.py``).

Design rules, all on purpose:

* Offsets are Python ``str`` indices (Unicode code points), ``[start, end)``, always inside the
  text, as the contract requires for ``spans``.
* No recogniser raises on any ``str`` (emoji, right-to-left scripts, lone surrogates, NUL,
  20,000 characters).  Third-party code (``phonenumbers``) is fenced with ``try``.
* Every pattern is compiled once at import time and starts with a look-behind so that a scan
  over a long run of digits or letters fails fast at each position (no quadratic rescans).
* Ambiguous numbers need a context word.  A 13-digit run is as likely to be a barcode as a
  CNIC, so the shape alone is not enough; see each recogniser's docstring for the exact rule.
* A match never has an overlapping duplicate of the same kind: the longer (then earlier) one
  wins.  A phone-number match that overlaps an ID or file-number match is dropped, since the
  more specific reading is the right one.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from .base import CONTEXT_WINDOW, KINDS, Match, _HAS_DIGIT
from .contact import (EMAIL_CONFIDENCE, EMAIL_CONFIDENCE_OFFICIAL, PHONE_CONFIDENCE_FIXED, PHONE_CONFIDENCE_MOBILE,
                      PHONE_CONFIDENCE_PRIVATE, PHONE_CONFIDENCE_PUBLIC, _find_emails, _find_phones, is_official_email)
from .documents import ORG_TERM_CONFIDENCE, _find_file_numbers, _find_markings, _find_org_terms, phrase_pattern
from .ids import _find_aadhaar, _find_bd_nid, _find_cnic, verhoeff_check_digit, verhoeff_valid

__all__ = [
    "Match",
    "KINDS",
    "find_matches",
    "phrase_pattern",
    "verhoeff_valid",
    "verhoeff_check_digit",
    "is_official_email",
    "CONTEXT_WINDOW",
    "PHONE_CONFIDENCE_MOBILE",
    "PHONE_CONFIDENCE_FIXED",
    "PHONE_CONFIDENCE_PUBLIC",
    "PHONE_CONFIDENCE_PRIVATE",
    "EMAIL_CONFIDENCE",
    "EMAIL_CONFIDENCE_OFFICIAL",
    "ORG_TERM_CONFIDENCE",
]



_SPECIFIC_KINDS = frozenset({"pk_cnic", "in_aadhaar", "bd_nid", "file_number"})


def _dedupe_same_kind(matches: Iterable[Match]) -> list[Match]:
    """Per kind, keep non-overlapping matches: longest first, then earliest, then most confident."""
    by_kind: dict[str, list[Match]] = {}
    for m in matches:
        by_kind.setdefault(m.kind, []).append(m)
    kept: list[Match] = []
    for kind_matches in by_kind.values():
        chosen: list[Match] = []
        for m in sorted(kind_matches, key=lambda x: (-(x.end - x.start), x.start, -x.confidence)):
            if all(m.end <= c.start or m.start >= c.end for c in chosen):
                chosen.append(m)
        kept.extend(chosen)
    return kept


def find_matches(text: str, org_terms: Sequence[str] = ()) -> list[Match]:
    """All recogniser matches in ``text``, sorted by (start, end, kind).

    ``org_terms`` are IT-configured terms (project code names, internal systems).  Never raises
    for a ``str``; raises ``TypeError`` for anything else.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text:
        return []
    found: list[Match] = []
    digit_finders: tuple[Callable[[str], list[Match]], ...] = (
        _find_cnic,
        _find_aadhaar,
        _find_bd_nid,
        _find_file_numbers,
    )
    if _HAS_DIGIT.search(text):
        for finder in digit_finders:
            found.extend(finder(text))
        phones = _find_phones(text)
        specific = [m for m in found if m.kind in _SPECIFIC_KINDS]
        found.extend(p for p in phones if all(p.end <= s.start or p.start >= s.end for s in specific))
    found.extend(_find_emails(text))
    found.extend(_find_markings(text))
    found.extend(_find_org_terms(text, org_terms))
    n = len(text)
    result = [m for m in _dedupe_same_kind(found) if 0 <= m.start < m.end <= n]
    result.sort(key=lambda m: (m.start, m.end, m.kind))
    return result
