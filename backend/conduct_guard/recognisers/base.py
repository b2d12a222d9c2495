"""What every recogniser shares: the match type, the kind -> category table, the context window."""

from __future__ import annotations

import re
from dataclasses import dataclass

@dataclass(frozen=True)
class Match:
    """One recognised thing in a text.

    ``confidence`` is how sure the recogniser is that this is the thing it names *and* that it
    matters for the category; ``explain.py`` uses it as that category's score floor.
    """

    kind: str  # pk_cnic, in_aadhaar, bd_nid, phone, email, file_number, classification_marking, org_term
    category: str  # one of the nine ids
    start: int  # code-point offsets into the text, [start, end)
    end: int
    confidence: float  # 0..1


# kind -> category.  Kept in one place so tests and docs can read it.
KINDS: dict[str, str] = {
    "pk_cnic": "privacy",
    "in_aadhaar": "privacy",
    "bd_nid": "privacy",
    "phone": "privacy",
    "email": "privacy",
    "file_number": "official_information",
    "classification_marking": "official_information",
    "org_term": "official_information",
}

# How far (code points) around a number a context word may be to count as "near".
CONTEXT_WINDOW = 40

# Hyphen-like characters seen in typed and OCR'd ID numbers.
_DASH = "\\-\u2010\u2011\u2012\u2013"  # for use inside [...]
_DASH_CLASS = f"[{_DASH}]"

_HAS_DIGIT = re.compile(r"\d")


def _near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    lo = max(0, start - CONTEXT_WINDOW)
    hi = min(len(text), end + CONTEXT_WINDOW)
    return pattern.search(text, lo, hi) is not None
