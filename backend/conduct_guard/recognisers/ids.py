"""National ID numbers: Pakistan's CNIC, India's Aadhaar (Verhoeff check digit), Bangladesh's NID."""

from __future__ import annotations

import datetime as _dt
import re

from .base import _DASH, _DASH_CLASS, KINDS, Match, _near

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


def _find_cnic(text: str) -> list[Match]:
    """CNIC ``12345-1234567-1`` (0.95; 0.97 with a context word), or 13 bare digits with a
    context word (CNIC, NIC, ID card, identity card, shanakhti, شناختی) within
    ``CONTEXT_WINDOW`` code points before or after (0.9)."""
    out: list[Match] = []
    for m in _CNIC_HYPHEN.finditer(text):
        conf = 0.97 if _near(_CNIC_CONTEXT, text, m.start(), m.end()) else 0.95
        out.append(Match("pk_cnic", KINDS["pk_cnic"], m.start(), m.end(), conf))
    for m in _CNIC_PLAIN.finditer(text):
        if _near(_CNIC_CONTEXT, text, m.start(), m.end()):
            out.append(Match("pk_cnic", KINDS["pk_cnic"], m.start(), m.end(), 0.9))
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
        out.append(Match("in_aadhaar", KINDS["in_aadhaar"], m.start(), m.end(), conf))
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
            out.append(Match("bd_nid", KINDS["bd_nid"], s, e, 0.9))
        elif e - s == 17 and _bd17_has_birth_year(m.group(0).translate(_BENGALI_TO_ASCII)):
            out.append(Match("bd_nid", KINDS["bd_nid"], s, e, 0.6))
    return out
