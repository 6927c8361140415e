import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from zoelife.intake.normalize import (
    name_key,
    normalize_email,
    normalize_phone,
    parse_bool,
    parse_date,
    parse_datetime,
    split_full_name,
)

NY = ZoneInfo("America/New_York")


def test_phone_to_e164_us_default():
    assert normalize_phone("(212) 555-0123").value == "+12125550123"
    assert normalize_phone("212.555.0123").value == "+12125550123"
    assert normalize_phone("+44 20 7946 0958").value == "+442079460958"
    assert normalize_phone("12").value is None and normalize_phone("12").problem
    assert normalize_phone("").value is None and normalize_phone("").problem is None


def test_email_normalized_without_dns():
    assert normalize_email(" Maria.Lopez@Example.COM ").value == "maria.lopez@example.com"
    assert normalize_email("not-an-email").problem
    assert normalize_email(None).value is None


def test_name_key_ignores_case_accents_and_spacing():
    assert name_key("José", "Núñez") == name_key("jose", "NUNEZ ") == "jose nunez"
    assert split_full_name("Maria de la Cruz") == ("Maria", "de la Cruz")
    assert split_full_name("Cruz, Maria") == ("Maria", "Cruz")


def test_dates_us_order_and_naive_times_in_clinic_zone():
    assert parse_date("03/04/1990") == dt.date(1990, 3, 4)
    assert parse_date("1990-03-04") == dt.date(1990, 3, 4)
    moment = parse_datetime("2026-07-01 09:30:00", NY)
    assert moment == dt.datetime(2026, 7, 1, 13, 30, tzinfo=dt.UTC)
    assert parse_datetime("2026-07-01T09:30:00Z", NY) == dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    assert parse_datetime("07/01/2026 9:30 AM", NY) == dt.datetime(2026, 7, 1, 13, 30, tzinfo=dt.UTC)
    assert parse_datetime("yesterday-ish", NY) is None


def test_bool_answers():
    assert parse_bool("Yes, you may text me") is True
    assert parse_bool("No") is False
    assert parse_bool("maybe") is None


@given(st.text())
def test_parsers_never_crash(text):
    normalize_phone(text)
    normalize_email(text)
    parse_date(text)
    parse_datetime(text, NY)
    name_key(text, text)


def test_email_domain_checks_are_remembered_and_still_refuse_bad_domains():
    import importlib

    check = importlib.import_module("email_validator.validate_email").validate_email_domain_name
    before = check.cache_info().hits
    assert normalize_email("Ana.Kim@Gmail.com").value == "ana.kim@gmail.com"
    assert normalize_email("ben@Gmail.com").value == "ben@gmail.com"
    assert check.cache_info().hits > before
    for _ in range(2):  # a refusal is not remembered as an answer
        assert normalize_email("ana@exa mple.com").problem == "email address is not valid"
        assert normalize_email("ana@-bad-.com").problem == "email address is not valid"


def _fold_by_unicode_rules(text: str) -> str:
    import re
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s@.+-]", " ", stripped)).strip()


@given(st.one_of(st.text(max_size=60),
                 st.text(alphabet=st.sampled_from("aZ9 \t\n\x1c\x85\u00a0\u2003!@.+-_,é"),
                         max_size=40)))
def test_fold_shortcut_for_ascii_gives_the_unicode_answer(text):
    from zoelife.intake.normalize import fold

    assert fold(text) == _fold_by_unicode_rules(text)


@given(st.dates())
def test_iso_dates_read_as_strptime_reads_them(day):
    text = day.isoformat()
    assert parse_date(text) == dt.datetime.strptime(text, "%Y-%m-%d").date() == day


def test_impossible_iso_date_is_not_a_date():
    assert parse_date("2024-02-30") is None
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
