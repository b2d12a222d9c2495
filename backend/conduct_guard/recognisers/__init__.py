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

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType

__all__ = [
    "Match",
    "KINDS",
    "find_matches",
    "verhoeff_valid",
    "verhoeff_check_digit",
    "is_official_email",
    "CONTEXT_WINDOW",
]


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

# --------------------------------------------------------------------------------------------
# Pakistan CNIC
# --------------------------------------------------------------------------------------------

# 5-7-1 with hyphens.  First digit 1-7 is the province code (1 KP, 2 FATA, 3 Punjab, 4 Sindh,
# 5 Balochistan, 6 Islamabad, 7 Gilgit-Baltistan).  Not preceded or followed by more digits or
# by a dash and a digit (a longer hyphenated code is something else).
_CNIC_HYPHEN = re.compile(
    rf"(?<![\w{_DASH}/])[1-7][0-9]{{4}}{_DASH_CLASS}[0-9]{{7}}{_DASH_CLASS}[0-9](?![\w/]|{_DASH_CLASS}\w)"
)
# 13 bare digits, only with a context word near.
_CNIC_PLAIN = re.compile(r"(?<![\w/])[1-7][0-9]{12}(?![\w/])")
_CNIC_CONTEXT = re.compile(
    r"(?i:\bc\.?\s?n\.?\s?i\.?\s?c\b|\bid[\s-]?card\b|\bidentity\s+card\b|\bshanakhti\b|\bshinakhti\b)"
    r"|\bNIC\b|\u0634\u0646\u0627\u062e\u062a\u06cc"  # NIC upper case only; Urdu "shanakhti"
)

# --------------------------------------------------------------------------------------------
# India Aadhaar
# --------------------------------------------------------------------------------------------

# 12 digits, first 2-9, optionally 4-4-4 grouped by one kind of separator (space or hyphen).
# Not inside a longer run of digits, nor inside a longer group run like a 16-digit card number
# written "2345 6789 0123 4567".
_AADHAAR = re.compile(
    r"(?<![\w])(?<!\d[ \-])([2-9][0-9]{3})([ \-]?)([0-9]{4})\2([0-9]{4})(?![\w])(?![ \-][0-9])"
)
_AADHAAR_CONTEXT = re.compile(
    r"(?i:\baadhaa?r\b|\baadhar\b|\buidai\b|\buid\b)|\u0906\u0927\u093e\u0930"  # आधार
)

# Verhoeff tables (dihedral group D5).
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_VERHOEFF_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_valid(digits: str) -> bool:
    """True if the ASCII digit string ends in a correct Verhoeff check digit (as Aadhaar does)."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][ord(ch) - 48]]
    return c == 0


def verhoeff_check_digit(digits: str) -> str:
    """The Verhoeff check digit to append to ``digits`` (used by tests to build valid numbers)."""
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError("digits must be a non-empty ASCII digit string")
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[(i + 1) % 8][ord(ch) - 48]]
    return str(_VERHOEFF_INV[c])


# --------------------------------------------------------------------------------------------
# Bangladesh NID
# --------------------------------------------------------------------------------------------

# ASCII or Bengali digits (NIDs are often written in Bengali numerals).
_BD_DIGIT = "[0-9\u09e6-\u09ef]"
_BD_NID = re.compile(
    rf"(?<![\w/{_DASH}])(?:{_BD_DIGIT}{{17}}|{_BD_DIGIT}{{13}}|{_BD_DIGIT}{{10}})(?![\w/]|{_DASH_CLASS}\w)"
)
_BD_CONTEXT = re.compile(
    r"(?i:\bnid\b|\bnational\s+id(?:entity)?(?:\s+card)?\b|\bvoter\s+id\b|\bsmart\s+card\b)"
    r"|\u099c\u09be\u09a4\u09c0\u09af\u09bc\s*\u09aa\u09b0\u09bf\u099a\u09af\u09bc\s*\u09aa\u09a4\u09cd\u09b0"  # জাতীয় পরিচয়পত্র (decomposed ya+nukta)
    r"|\u099c\u09be\u09a4\u09c0\u09df\s*\u09aa\u09b0\u09bf\u099a\u09df\s*\u09aa\u09a4\u09cd\u09b0"  # same, precomposed য়
    r"|\u098f\u09a8\u0986\u0987\u09a1\u09bf"  # এনআইডি
)
_BENGALI_TO_ASCII = str.maketrans("\u09e6\u09e7\u09e8\u09e9\u09ea\u09eb\u09ec\u09ed\u09ee\u09ef", "0123456789")


def _bd17_has_birth_year(ascii_digits: str) -> bool:
    """A 17-digit (pre-2008 style) NID is birth year + 2-digit district code + 11 digits."""
    year = int(ascii_digits[:4])
    district = int(ascii_digits[4:6])
    return 1900 <= year <= _dt.date.today().year and 1 <= district <= 99


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

_PHONE_REGIONS = ("PK", "IN", "BD")
# Quick pre-check: something with at least 7 digits and phone punctuation in between.
_PHONE_CANDIDATE = re.compile(r"(?<![\d])\+?\(?\d(?:[\d \-().\u00a0]{5,22})\d(?!\d)")
# Helplines, toll-free, premium and universal-access numbers are meant to be shared.
_PHONE_EXCLUDED_TYPES = frozenset(
    {
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.SHARED_COST,
        PhoneNumberType.UAN,
        PhoneNumberType.VOICEMAIL,
    }
)
PHONE_CONFIDENCE_MOBILE = 0.8
PHONE_CONFIDENCE_FIXED = 0.6  # an office landline in an announcement is normal
# A number offered to the public (a helpline, control room, office or tip line) is meant to be
# called: TAXONOMY's reading conventions make it benign, so it stays below every threshold. Real
# posts showed the need: "call the FBI field office at 314-..." was read as privacy by 0.4.0.
PHONE_CONFIDENCE_PUBLIC = 0.2
# A number tied to a private person (a complainant, a patient, "his mobile") is what privacy is about.
PHONE_CONFIDENCE_PRIVATE = 0.9
_PUBLIC_NUMBER_CONTEXT = re.compile(
    r"help ?line|hot ?line|toll[- ]?free|control ?room|call ?cent(?:re|er)|tip ?line|emergenc|complaint cell|"
    r"\boffice\b|\bdesk\b|\bcell\b|contact us|for (?:info|information|queries|details|assistance|complaints)|"
    r"\bpolice\b|\bfbi\b|\brescue\b|ambulance|\bcouncil\b|\bdepartment\b|\bdept\b|\bministry\b|"
    r"ہیلپ ?لائن|کنٹرول روم|دفتر|ہیلپ لائن|हेल्पलाइन|कंट्रोल रूम|कार्यालय|হেল্পলাইন|হটলাইন|কন্ট্রোল রুম|কার্যালয়|"
    r"હેલ્પલાઇન|કંટ્રોલ રૂમ|કચેરી", re.I)
_PRIVATE_NUMBER_CONTEXT = re.compile(
    r"\b(?:his|her|their)\s+(?:mobile|number|phone|cell|no\b|contact)|complainant|applicant|patient|victim|"
    r"beneficiary|\bwidow|lives at|resident of|home address|اس کا نمبر|مریض|شکایت کنندہ|उसका नंबर|मरीज़?|रोगी|"
    r"शिकायतकर्ता|ওর নম্বর|তার নম্বর|রোগী|অভিযোগকারী|તેનો નંબર|દર્દી|અરજદાર", re.I)

# --------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+\-@])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,63})@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w\-@]|\.[A-Za-z0-9])"
)
_OFFICIAL_DOMAINS = ("gov.pk", "gov.in", "gov.bd", "nic.in")
EMAIL_CONFIDENCE = 0.7
EMAIL_CONFIDENCE_OFFICIAL = 0.3  # sharing an office contact address is normal


def is_official_email(address: str) -> bool:
    """True for addresses on government domains (.gov.pk, .gov.in, .gov.bd, nic.in)."""
    domain = address.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in _OFFICIAL_DOMAINS)


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

# --------------------------------------------------------------------------------------------
# The recognisers
# --------------------------------------------------------------------------------------------


def _near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    lo = max(0, start - CONTEXT_WINDOW)
    hi = min(len(text), end + CONTEXT_WINDOW)
    return pattern.search(text, lo, hi) is not None


def _find_cnic(text: str) -> list[Match]:
    """CNIC ``12345-1234567-1`` (0.95; 0.97 with a context word), or 13 bare digits with a
    context word (CNIC, NIC, ID card, identity card, shanakhti, شناختی) within
    ``CONTEXT_WINDOW`` code points before or after (0.9)."""
    out: list[Match] = []
    for m in _CNIC_HYPHEN.finditer(text):
        conf = 0.97 if _near(_CNIC_CONTEXT, text, m.start(), m.end()) else 0.95
        out.append(Match("pk_cnic", "privacy", m.start(), m.end(), conf))
    for m in _CNIC_PLAIN.finditer(text):
        if _near(_CNIC_CONTEXT, text, m.start(), m.end()):
            out.append(Match("pk_cnic", "privacy", m.start(), m.end(), 0.9))
    return out


def _find_aadhaar(text: str) -> list[Match]:
    """12 digits (first 2-9), plain or 4-4-4 grouped, with a valid Verhoeff check digit.

    A random 12-digit number passes Verhoeff one time in ten, so without a context word
    (Aadhaar, UID, UIDAI, आधार) the confidence is 0.85, with one 0.97.
    """
    out: list[Match] = []
    for m in _AADHAAR.finditer(text):
        digits = m.group(1) + m.group(3) + m.group(4)
        if not verhoeff_valid(digits):
            continue
        conf = 0.97 if _near(_AADHAAR_CONTEXT, text, m.start(), m.end()) else 0.85
        out.append(Match("in_aadhaar", "privacy", m.start(), m.end(), conf))
    return out


def _find_bd_nid(text: str) -> list[Match]:
    """Bangladesh NID: 10 (smart card), 13 or 17 digits, ASCII or Bengali numerals.

    Those lengths collide with phone numbers, CNICs and barcodes, so the rule is:
    * with a context word (NID, national ID, voter ID, smart card, জাতীয় পরিচয়পত্র, এনআইডি)
      within ``CONTEXT_WINDOW`` code points: any of the three lengths, 0.9;
    * without one: only the 17-digit form whose first four digits are a plausible birth year
      (1900..this year) followed by a non-zero district code, at a low 0.6;
    * otherwise no match.
    """
    out: list[Match] = []
    for m in _BD_NID.finditer(text):
        s, e = m.start(), m.end()
        if _near(_BD_CONTEXT, text, s, e):
            out.append(Match("bd_nid", "privacy", s, e, 0.9))
        elif e - s == 17 and _bd17_has_birth_year(m.group(0).translate(_BENGALI_TO_ASCII)):
            out.append(Match("bd_nid", "privacy", s, e, 0.6))
    return out


def _find_phones(text: str) -> list[Match]:
    """Valid PK, IN and BD numbers found by ``phonenumbers.PhoneNumberMatcher``.

    The matcher runs only on small windows around digit runs that could be phone numbers (it
    is the slowest recogniser).  Short codes and helplines (1122, 15, 999, 112) are not valid
    numbers; toll-free, premium, shared-cost and UAN numbers (0800-..., 1800-..., 111-...)
    are excluded since they are published to be called.  Mobile numbers get 0.8, fixed lines
    0.6: an office landline in an official announcement is fine.  Words around the number move
    it: a helpline, office or tip line drops it to 0.2 (no finding), a complainant's or
    patient's number lifts it to 0.9.
    """
    found: dict[tuple[int, int], float] = {}
    windows: list[list[int]] = []
    for m in _PHONE_CANDIDATE.finditer(text):
        lo, hi = max(0, m.start() - 4), min(len(text), m.end() + 4)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        chunk = text[lo:hi]
        for region in _PHONE_REGIONS:
            try:
                for pm in PhoneNumberMatcher(chunk, region, leniency=Leniency.VALID):
                    ntype = phonenumbers.number_type(pm.number)
                    if ntype in _PHONE_EXCLUDED_TYPES:
                        continue
                    conf = PHONE_CONFIDENCE_FIXED if ntype == PhoneNumberType.FIXED_LINE else PHONE_CONFIDENCE_MOBILE
                    key = (lo + pm.start, lo + pm.end)
                    if not (0 <= key[0] < key[1] <= len(text)):
                        continue
                    found[key] = max(found.get(key, 0.0), conf)
            except Exception:  # noqa: BLE001 - third-party parser must never break a check
                continue
    out = []
    for (s, e), c in found.items():
        if _near(_PRIVATE_NUMBER_CONTEXT, text, s, e):
            c = PHONE_CONFIDENCE_PRIVATE
        elif _near(_PUBLIC_NUMBER_CONTEXT, text, s, e):
            c = PHONE_CONFIDENCE_PUBLIC
        out.append(Match("phone", KINDS["phone"], s, e, c))
    return out


def _find_emails(text: str) -> list[Match]:
    """E-mail addresses: 0.7, or 0.3 on official domains (sharing an office contact is normal)."""
    if "@" not in text:
        return []
    out: list[Match] = []
    for m in _EMAIL.finditer(text):
        conf = EMAIL_CONFIDENCE_OFFICIAL if is_official_email(m.group(0)) else EMAIL_CONFIDENCE
        out.append(Match("email", "privacy", m.start(), m.end(), conf))
    return out


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
            out.append(Match("file_number", "official_information", m.start(), bend, conf))
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
    cat = "official_information"
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
    return [Match("org_term", "official_information", m.start(), m.end(), ORG_TERM_CONFIDENCE) for m in pattern.finditer(text) if m.end() > m.start()]


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
