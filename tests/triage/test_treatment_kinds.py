"""Treatment interest by kind of reading (docs/triage.md, "How treatment interest works").

Every sentence here was written for this file, not copied from a blind round: each kind is
tested with sentences it should read and with near misses it must not.
"""

from __future__ import annotations

import pytest

from zoelife.triage import assess


def _treatments(text: str) -> set[str]:
    return set(assess(text).treatments)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a sender who wants no care: a job, a sale, a class, a story, a pharmacy
        ("Are you hiring for a TMS technician? My resume is attached.", set()),
        ("We get clinics like yours more patient leads for ketamine. Free audit?", set()),
        ("Is Spravato addictive? It's for my pharmacology class assignment.", set()),
        ("I'm a pharmacist and need to clarify a prescription for one of your patients.", set()),
        ("Soy enfermera. ¿Cómo a clínica lida con ideação durante el tratamiento?", set()),
        # near misses: the same words, a person asking care
        ("My class schedule is packed, can I still do TMS on weekends?", {"tms"}),
        ("I'm a pharmacist myself and I'd like ketamine for my depression.", {"ketamine"}),
    ],
)
def test_senders_who_want_no_care(text: str, expected: set[str]) -> None:
    assert _treatments(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # care the person already has elsewhere is not a wish for it
        ("Referring a client who is in weekly DBT with me; she needs a medication evaluation.",
         {"medication_management"}),
        ("I'm currently doing EMDR with a counselor and would like Spravato.", {"spravato"}),
        ("Outpatient therapist in place. Requesting TMS eval.", {"tms"}),
        # a clinician who is leaving: their service is asked again only if someone new is asked
        ("My counselor is retiring in June and I need someone new before then.", {"therapy"}),
        ("My psychiatrist is moving away so I need someone to keep my lithium going.",
         {"medication_management"}),
        ("My counselor quit last week, and honestly I need a new med provider.",
         {"medication_management"}),
        ("Do you have Spravato? My psychiatrist relocated last spring.", {"spravato"}),
        # near misses
        ("I'd like weekly therapy, evenings if possible.", {"therapy"}),
        ("My psychiatrist relocated last month.", set()),
    ],
)
def test_care_had_elsewhere_and_a_leaving_clinician(text: str, expected: set[str]) -> None:
    assert _treatments(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # medication words that say what was tried or who prescribes
        ("I've been through seven different medications and want to try TMS.", {"tms"}),
        ("My PCP prescribed sertraline but I'd rather look into ketamine.", {"ketamine"}),
        ("My GP won't prescribe anything else, so I'm asking about TMS.", {"tms"}),
        ("Referral from Riverbend Counseling: please evaluate for Spravato.", {"spravato"}),
        ("Sent by Lakeshore Psychiatry Associates for a TMS consult.", {"tms"}),
        # near misses: the service itself is asked
        ("I'd like to switch to a different medication.", {"medication_management"}),
        ("Looking for counseling and a psychiatrist for meds.", {"therapy", "medication_management"}),
        ("Interested in TMS, and also med management with one of your psychiatrists.",
         {"tms", "medication_management"}),
        ("Counseling, meds, whatever helps.", {"therapy", "medication_management"}),
        ("Could medication help with my panic attacks?", {"medication_management"}),
    ],
)
def test_medication_words_in_context(text: str, expected: set[str]) -> None:
    assert _treatments(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "history"),
    [
        ("I stopped ketamine in May. Now I'd like to try TMS.", {"tms"}, {"ketamine"}),
        ("I did TMS back in 2021 and I'd like to start Spravato now.", {"spravato"}, {"tms"}),
        ("Did six ketamine infusions at another clinic. The low is back and I need to continue.",
         {"ketamine"}, set()),
        ("Tried everything: Zoloft, Wellbutrin, counseling, yoga. Is Spravato an option?",
         {"spravato"}, {"therapy"}),
        ("My cousin did ketamine and loved it. Could I get it too?", {"ketamine"}, set()),
        # near miss: a wish nearest another treatment is that one's
        ("I did ketamine in 2020. I want to continue with therapy now.", {"therapy"}, {"ketamine"}),
    ],
)
def test_interest_versus_history(text: str, expected: set[str], history: set[str]) -> None:
    a = assess(text)
    assert set(a.treatments) == expected
    assert set(a.treatment_history) == history


@pytest.mark.parametrize(
    ("text", "expected", "service"),
    [
        ("Do you offer support groups for new parents?", {"other"}, "support groups"),
        ("Does your practice offer on-site debriefing after a workplace death?", {"other"},
         "on-site debriefing"),
        ("do u do the genetic testing for antidepressants", {"other"}, "genetic testing"),
        ("Can you prescribe Mounjaro for weight?", {"other"}, "weight-loss medication"),
        ("ECT was offered and he declined. Please evaluate for TMS.", {"tms"}, None),
        # near misses: our own services in the same shape, a medicine named without a request
        ("Do you offer ketamine sessions on weekends?", {"ketamine"}, None),
        ("Do you do blood tests before TMS?", {"tms"}, None),
        ("I'm on Wegovy. Can I still do TMS?", {"tms"}, None),
    ],
)
def test_services_not_offered(text: str, expected: set[str], service: str | None) -> None:
    a = assess(text)
    assert set(a.treatments) == expected
    if service is None:
        assert a.other_services == ()
    else:
        assert service in a.other_services


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xin chào, tôi cần gặp bác sĩ tâm thần cho chồng tôi.", {"medication_management"}),
        ("Je voudrais un suivi médicamenteux, s'il vous plaît.", {"medication_management"}),
        ("هل تقدمون العلاج النفسي للأطفال؟", {"therapy"}),
        ("¿Cuánto cuesta el tratamiento con los imanes?", {"tms"}),
        ("Quiero información sobre la EMT para la depresión.", {"tms"}),
        ("The EMT who drove me said to call you about therapy.", {"therapy"}),
        ("calling about the T. M. S. for my dad", {"tms"}),
        ("TMS治療の予約をしたいです。", {"tms"}),
        # a refusal in Spanish with its article; an accent does not make "TMS" unspaced
        ("No me interesa la TMS; ¿ofrecen terapia?", {"therapy"}),
    ],
)
def test_names_in_more_languages_and_spellings(text: str, expected: set[str]) -> None:
    assert _treatments(text) == expected
