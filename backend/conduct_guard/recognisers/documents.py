"""Official file numbers, classification markings and IT's organisation terms."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from .base import KINDS, Match

# --------------------------------------------------------------------------------------------
# Official file numbers
# --------------------------------------------------------------------------------------------

# A file number is only recognised after a file-number prefix, because the number part alone
# ("14/04/2021", "3/4", "245/3") is indistinguishable from dates, fractions and cricket
# scores.  Prefixes: F.No. / F. No / No.F. / File No. / Letter|Memo|Circular|Notification|
# Order|O.M.|D.O. No.  A bare "No." is accepted only when the number has the unmistakable
# file shape ".../<year>-<section>" (e.g. Indian "No. A-12011/3/2019-Estt.I").
_FILE_BODY = r"(?P<body>(?:[A-Za-z]{1,4}[.\-]?\s?)?\d[\w().:&/\-]*)"
_FILE_PREFIXED = re.compile(
    r"(?<![\w.])(?:"
    r"No\.?\s?F\b\.?"  # No.F.2-244/...
    r"|F\s?\.\s?No\b\.?|FNo\b\.?"  # F.No. / F. No.
    r"|(?i:file)\s+(?i:no)\b\.?"
    r"|(?:Letter|Memo|Circular|Notification|Order|O\.\s?M\.|D\.\s?O\.|OM)\s+No\b\.?"
    r")\s*[:#]?\s*" + _FILE_BODY
)
_FILE_BARE = re.compile(r"(?<![\w.])No\b\.?\s*[:#]?\s*" + _FILE_BODY)
_FILE_SHAPE = re.compile(r"/(?:19|20)\d\d[\-(]+[A-Za-z]")
_TRAILING_JUNK = ".,:;-/&("


def _trim_body(text: str, start: int, end: int) -> int:
    """Drop trailing punctuation and unbalanced ')' from a matched file-number body."""
    while end > start:
        ch = text[end - 1]
        if ch in _TRAILING_JUNK:
            end -= 1
        elif ch == ")" and text.count("(", start, end) < text.count(")", start, end):
            end -= 1
        else:
            break
    return end


# --------------------------------------------------------------------------------------------
# Classification markings
# --------------------------------------------------------------------------------------------

_MARK_WORDS = r"TOP\s+SECRET|SECRET|CONFIDENTIAL|RESTRICTED"
# (a) in brackets or between // delimiters, upper case: [RESTRICTED], (CONFIDENTIAL), //SECRET//
_MARK_BRACKETED = re.compile(
    rf"(?:[\[(]\s*(?P<w1>{_MARK_WORDS})\s*[\])])|(?://\s*(?P<w2>{_MARK_WORDS})\s*//)"
)
# (b) after a label, any case: "Classification: Secret", "marked confidential", "classified as secret"
_MARK_LABELLED = re.compile(
    r"(?i:\b(?:security\s+)?classification\s*[:\-]|\bclassified\s+as|\bmarked(?:\s+as)?"
    r"|\bstamped(?:\s+as)?|\bgraded(?:\s+as)?|\bsecurity\s+grading\s*[:\-])"
    r"\s*[\"'\u2018\u201c]?(?P<w>(?i:top\s+secret|secret|confidential|restricted))\b"
)
# (c) upper case at the start of a line, followed by end of line or a marking separator.
_MARK_LINE_START = re.compile(
    rf"(?m)^[ \t>*#_=\-]*(?P<w>{_MARK_WORDS})(?=[ \t*_=]*(?:$|:|//|\s[\-\u2013\u2014]\s|[\-\u2013\u2014]))"
)
# (d) upper case standalone word inside mixed-case prose; SECRET alone is excluded because
#     "the SECRET ingredient" is ordinary emphasis.
_MARK_INLINE = re.compile(r"(?<![\w])(?P<w>TOP\s+SECRET|CONFIDENTIAL|RESTRICTED)(?![\w])")


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    return ls, (len(text) if le == -1 else le)


def _is_shouting(text: str, start: int, end: int) -> bool:
    """True if the rest of the line (without the marking itself) is mostly upper case.

    In an ALL-CAPS post ("THIS IS NO SECRET") an upper-case marking word is just a word.
    """
    ls, le = _line_bounds(text, start, end)
    upper = lower = 0
    for part in (text[ls:start], text[end:le]):
        for ch in part:
            if ch.isupper():
                upper += 1
            elif ch.islower():
                lower += 1
    cased = upper + lower
    return cased >= 4 and upper >= 0.7 * cased


def _alone_on_line(text: str, start: int, end: int) -> bool:
    ls, le = _line_bounds(text, start, end)
    rest = text[ls:start] + text[end:le]
    return not any(ch.isalnum() for ch in rest)


# --------------------------------------------------------------------------------------------
# Org terms
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def phrase_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation of escaped terms, longest first, whitespace-flexible, case-insensitive
    (None when no term has a word). The one phrase matcher: IT's organisation terms here, and
    the packs' context rules (``text_any`` / ``text_none``) in policy.py.

    ``(?<!\\w)`` / ``(?!\\w)`` rather than ``\\b`` so that terms which begin or end with a
    non-word character ("C++", "#Falcon") still get whole-word behaviour.
    """
    cleaned = sorted({" ".join(t.split()) for t in terms if isinstance(t, str) and t.strip()}, key=lambda t: (-len(t), t))
    if not cleaned:
        return None
    alts = []
    for term in cleaned:
        alts.append(r"\s+".join(re.escape(word) for word in term.split(" ")))
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


ORG_TERM_CONFIDENCE = 0.9


def _find_file_numbers(text: str) -> list[Match]:
    """Official file numbers after a file-number prefix (0.9), or after a bare "No." with the
    ``/<year>-<section>`` shape (0.8).  The body must contain a '/' and two digits."""
    out: list[Match] = []
    for pattern, conf, need_shape in ((_FILE_PREFIXED, 0.9, False), (_FILE_BARE, 0.8, True)):
        for m in pattern.finditer(text):
            bstart = m.start("body")
            bend = _trim_body(text, bstart, m.end("body"))
            body = text[bstart:bend]
            if "/" not in body or sum(ch.isdigit() for ch in body) < 2:
                continue
            if need_shape and not _FILE_SHAPE.search(body):
                continue
            out.append(Match("file_number", KINDS["file_number"], m.start(), bend, conf))
    return out


def _find_markings(text: str) -> list[Match]:
    """Classification markings (TOP SECRET, SECRET, CONFIDENTIAL, RESTRICTED) used as markings.

    (a) bracketed upper case ``[RESTRICTED]`` / ``(CONFIDENTIAL)`` / ``//SECRET//``: 0.9;
    (b) after a label, any case: "Classification: Secret", "marked confidential": 0.9;
    (c) upper case at a line start, then end of line, ':', '//' or a dash: 0.85, unless the
        rest of the line is shouting (mostly upper case) and the word is not alone on it;
    (d) upper case TOP SECRET / CONFIDENTIAL / RESTRICTED inside mixed-case prose: 0.7.
    Ordinary words ("the secret to good biryani", "confidential feedback forms") and
    ALL-CAPS posts ("THIS IS NO SECRET") do not match.  The span covers the marking word.
    """
    out: list[Match] = []
    cat = KINDS["classification_marking"]
    for m in _MARK_BRACKETED.finditer(text):
        g = "w1" if m.group("w1") else "w2"
        out.append(Match("classification_marking", cat, m.start(g), m.end(g), 0.9))
    for m in _MARK_LABELLED.finditer(text):
        out.append(Match("classification_marking", cat, m.start("w"), m.end("w"), 0.9))
    for m in _MARK_LINE_START.finditer(text):
        s, e = m.start("w"), m.end("w")
        if _alone_on_line(text, s, e) or not _is_shouting(text, s, e):
            out.append(Match("classification_marking", cat, s, e, 0.85))
    for m in _MARK_INLINE.finditer(text):
        s, e = m.start("w"), m.end("w")
        if not _is_shouting(text, s, e):
            out.append(Match("classification_marking", cat, s, e, 0.7))
    return out


def _find_org_terms(text: str, org_terms: Sequence[str]) -> list[Match]:
    """IT-configured terms: case-insensitive whole word/phrase, Unicode-aware, escaped (0.9)."""
    if not org_terms:
        return []
    try:
        pattern = phrase_pattern(tuple(t for t in org_terms if isinstance(t, str)))
    except (re.error, TypeError):
        return []
    if pattern is None:
        return []
    return [Match("org_term", KINDS["org_term"], m.start(), m.end(), ORG_TERM_CONFIDENCE) for m in pattern.finditer(text) if m.end() > m.start()]
