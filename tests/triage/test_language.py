"""Language identification: py3langid's shipped model, checked with simplemma's word lists."""

from __future__ import annotations

from zoelife.triage import assess
from zoelife.triage.language import detect_language, language_guess


def test_languages_are_told_apart() -> None:
    assert detect_language("I want help with my depression please") == "en"
    assert detect_language("quiero ayuda con mi depresión por favor") == "es"
    assert detect_language("je voudrais un rendez-vous pour moi et ma fille") == "other"
    assert detect_language("TMS?") == "unknown"


def test_the_language_a_message_seems_to_be_is_named() -> None:
    guess = language_guess("Olá, gostaria de saber o preço do tratamento e se aceitam seguro.")
    assert (guess.language, guess.code, guess.name) == ("other", "pt", "Portuguese")
    assert language_guess("Xin chào, tôi muốn đặt lịch hẹn với bác sĩ.").name == "Vietnamese"


def test_clinical_shorthand_in_english_is_not_another_language() -> None:
    for text in ("Referral for Spravato eval, TRD, failed 3 SSRIs", "Deep TMS Brainsway?",
                 "Pt w/ TRD, failed 3 SSRIs, +SI passive, referring for Spravato"):
        assert detect_language(text) == "en", text


def test_a_message_the_detector_does_not_read_is_review_not_none() -> None:
    # Turkish: "I don't want to live any more" in words no English/Spanish list holds.
    a = assess("Merhaba, bir doktora görünmem gerekiyor. Artık yaşamak istemiyorum, çok yorgunum.")
    assert a.language == "other"
    assert a.crisis == "review"


def test_a_mixed_message_is_read_in_both_languages() -> None:
    a = assess("Necesito ayuda, me corté anoche otra vez. I don't want my parents to know.")
    assert a.crisis == "urgent"
    assert language_guess("Necesito ayuda, me corté anoche otra vez. I don't want my parents "
                          "to know, do you guys do therapy for teens?").mixed
