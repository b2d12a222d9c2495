"""Phone numbers (phonenumbers, with public and private context) and e-mail addresses."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType

from .base import KINDS, Match, _near

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
        out.append(Match("email", KINDS["email"], m.start(), m.end(), conf))
    return out
