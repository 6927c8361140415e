"""Normalization of what people type: phones, emails, names, dates. Used by every way in.

Phones go to E.164 with `phonenumbers` (region US by default) when valid for their country;
others are kept as typed and flagged, never rewritten (`normalize_phone`); emails through `email-validator`
with `check_deliverability=False` (never a DNS lookup). Names get a match key that ignores
case, accents, punctuation and extra spaces.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "US"


def _cache_email_domain_checks() -> None:
    """A clinic's addresses share a few domains (gmail.com, yahoo.com, ...), and checking a
    domain is most of the cost of checking an address (IDNA and Unicode rules). The library's
    domain check is a pure function whose result it only reads: remembering it per domain
    halves the cost of an import's email checks without changing any answer."""
    module = importlib.import_module("email_validator.validate_email")
    check = getattr(module, "validate_email_domain_name", None)
    if check is not None and not hasattr(check, "cache_info"):
        module.validate_email_domain_name = lru_cache(maxsize=4096)(check)


_cache_email_domain_checks()


@dataclass(frozen=True)
class Checked:
    """A normalized value, or None with the reason it could not be used."""

    value: str | None
    problem: str | None = None
    kept: str | None = None  # a doubtful phone as typed (never rewritten), when not usable

    @property
    def ok(self) -> bool:
        return self.value is not None


PHONE_DOUBT = "phone may be wrong"


def normalize_phone(raw: object, region: str = DEFAULT_REGION, *, strict: bool = True
                    ) -> Checked:
    """E.164 for a number valid for its country. `strict`: a number of the right length that
    is not valid for its country (a South African "082 123 4567" read as a US number, a 555
    area code) is not usable: it comes back as `kept`, as typed, with PHONE_DOUBT, never
    rewritten into another number. Not strict (staff correcting a number they heard, caller
    ID): possible numbers are accepted as before."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return Checked(None, None)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return Checked(None, "phone number could not be read")
    if not phonenumbers.is_possible_number(number):
        return Checked(None, "phone number has the wrong number of digits")
    if strict and not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_country_code(number.country_code)
        return Checked(None, f"{PHONE_DOUBT} (not a valid number for "
                             f"{'its country' if where in ('ZZ', '001') else where}; kept as "
                             "typed)", kept=text[:40])
    return Checked(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def format_phone(e164: str | None) -> str:
    """A phone as people read it: (555) 010-1234 for US numbers, international otherwise."""
    if not e164:
        return ""
    if not e164.startswith("+"):
        return e164  # kept as typed: never reformatted into another number
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Characters email-validator accepts in the part before the @ that real addresses do not use.
_RARE_LOCAL = re.compile(r"[!#$%&*/=?^`{|}~]")


def normalize_email(raw: object) -> Checked:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return Checked(None, None)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return Checked(None, "email address is not valid")
    if _RARE_LOCAL.search(result.local_part or ""):
        # RFC 5322 allows `? & % / = #`… before the @, but almost no real address uses them and
        # in a mailto: link they add a Cc, a body or a subject (`a?cc=spy%40evil.test&body=…`).
        return Checked(None, "email address is not valid (the part before @ holds a character "
                             "such as ? & % / = that addresses do not use)")
    # Matching is case-insensitive on the whole address (providers treat it so in practice).
    return Checked(result.normalized.lower())


# Runs of anything but word characters and @.+- (spaces included) become one space.
_NOT_SEARCHABLE = re.compile(r"[^\w@.+-]+")
_NOT_NAME = re.compile(r"[^\w ]")
_SPACE_RUNS = re.compile(r"\s+")
_EPOCH = re.compile(r"\d{9,13}(\.\d+)?")
_ZONE_NAME = re.compile(r"\s+(UTC|GMT)$", re.I)
_NOT_DIGIT = re.compile(r"\D")


def fold(text: str | None) -> str:
    """Casefolded, accent-free, single-spaced: for matching and search, never for display."""
    if not text:
        return ""
    if text.isascii():  # NFKD and casefold do nothing more than lower() to ASCII
        stripped = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _NOT_SEARCHABLE.sub(" ", stripped).strip()


def name_key(first: str | None, last: str | None) -> str | None:
    key = fold(" ".join(p for p in (first, last) if p))
    key = _NOT_NAME.sub("", key)
    return key or None


def clean_name(raw: object) -> str | None:
    if raw is None:
        return None
    text = _SPACE_RUNS.sub(" ", str(raw)).strip()
    return text[:120] or None


def split_full_name(full: str | None) -> tuple[str | None, str | None]:
    """'Maria de la Cruz' -> ('Maria', 'de la Cruz'); 'Cruz, Maria' -> ('Maria', 'Cruz')."""
    full = clean_name(full)
    if not full:
        return None, None
    if "," in full:
        last, _, first = full.partition(",")
        return clean_name(first), clean_name(last)
    parts = full.split(" ")
    if len(parts) == 1:
        return parts[0], None
    return parts[0], " ".join(parts[1:])


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%m-%d-%Y",
    "%d.%m.%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
)

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M %p",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y at %I:%M %p",
    "%b %d, %Y %I:%M %p",
    "%d.%m.%Y %H:%M",
)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(raw: object) -> dt.date | None:
    """A date in a common format; slashed dates are read US-style (month/day)."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    if _ISO_DATE.fullmatch(text):  # the usual case, 15x quicker than strptime
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass  # "2024-02-30": the formats below say no as well, then the fallbacks try
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    parsed = parse_datetime(text, ZoneInfo("UTC"))
    return parsed.date() if parsed else None


def parse_datetime(raw: object, zone: ZoneInfo) -> dt.datetime | None:
    """A point in time in UTC. Naive times are read in the clinic's zone `zone`.

    Accepts ISO 8601 (with or without offset, `Z`), common US formats (month/day), Unix
    epoch seconds or milliseconds. Returns None when it cannot be read.
    """
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        text = str(raw).strip()
        if not text:
            return None
        value = None
        if _EPOCH.fullmatch(text):
            seconds = float(text)
            if seconds > 1e11:
                seconds /= 1000
            try:
                return dt.datetime.fromtimestamp(seconds, dt.UTC)
            except (OverflowError, OSError, ValueError):
                return None
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        try:
            value = dt.datetime.fromisoformat(iso)
        except ValueError:
            value = None
        if value is None:
            # Strip a trailing zone name such as "UTC" or "EST" that strptime cannot read.
            cleaned = _ZONE_NAME.sub("", text)
            utc_suffix = cleaned != text
            for fmt in _DATETIME_FORMATS:
                try:
                    value = dt.datetime.strptime(cleaned, fmt)
                    break
                except ValueError:
                    continue
            if value is None:
                date_only = parse_date_strict(cleaned)
                if date_only is None:
                    return None
                value = dt.datetime.combine(date_only, dt.time(0, 0))
            if utc_suffix:
                value = value.replace(tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    try:
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


def parse_date_strict(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_TRUE = {"yes", "y", "true", "1", "on", "checked", "agree", "i agree", "si", "sí", "x"}
_FALSE = {"no", "n", "false", "0", "off", "unchecked", ""}


def parse_bool(raw: object) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().casefold()
    if text in _TRUE or text.startswith(("yes", "i agree", "i consent")):
        return True
    if text in _FALSE or text.startswith("no"):
        return False
    return None


def search_text(*parts: str | None) -> str:
    """What the queue's free-text search looks through, folded once at write time."""
    pieces = []
    for p in parts:
        if not p:
            continue
        pieces.append(fold(p))
        if not p.lstrip().startswith("+"):
            continue
        digits = _NOT_DIGIT.sub("", p)
        if len(digits) >= 7:
            pieces.append(digits)
            if digits.startswith("1") and len(digits) == 11:
                pieces.append(digits[1:])
    return " ".join(pieces)


def split_url(url: str | None) -> SplitResult | None:
    """A web address as typed (surrounding space ignored) in its parts; None when empty or
    unreadable (a malformed IPv6 host, say)."""
    if not url:
        return None
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None
