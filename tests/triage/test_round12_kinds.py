"""Round 12's misses, by kind (docs/triage.md, "Round 12's misses, by kind").

Every sentence here was written for this test, none copied from the round: idioms where a
thing or a state dies, a medicine "not doing enough", an ingestion or a poisoning meant, a
goodbye note written and kept, affairs put in order. Each kind has near misses: the true
crisis wording next to the idiom stays urgent, the ordinary wording next to the new rule stays
below it.
"""

from __future__ import annotations

import pytest

from tests.triage.evaluation import assess_by_rules
from zoelife.triage import assess


@pytest.mark.parametrize("text", [
    # A device or a thing as the subject.
    "my laptop is dying, could you text me the address instead",
    "sorry, the battery's about to die, call me tomorrow about TMS",
    "my cell is gonna die any minute, what time is my consult?",
    "Se me está muriendo la batería, ¿me mandan el formulario por correo?",
    "El celular se me murió anoche, por eso no contesté. ¿Me llaman?",
    # Dying of or from a state, any tense.
    "I'm dying of exhaustion after these double shifts, any evening slots?",
    "we were dying from the heat in the waiting room, is the AC fixed?",
    "Estoy muerta de cansancio, ¿tienen citas el sábado?",
    "Me re muero por empezar la terapia, ¿cuándo hay lugar?",
    # Love, and trouble.
    "I would die for my children, so I want to get my anxiety treated properly.",
    "we're so dead if mom finds out I skipped, can we move the appointment?",
    # A ride home, not being taken away.
    "Vivo solo y no tengo quien me lleve, ¿puedo manejar después de la sesión?",
    "¿Hace falta que alguien me lleve a casa después del Spravato?",
    # A medicine's effect, not a stash.
    "His Zoloft just isn't working well enough, does he need a new referral for TMS?",
    "She takes lamotrigine but it's not helping enough. Do you do med management?",
])
def test_idioms_of_things_and_states_are_none(text: str) -> None:
    assert assess(text).crisis == "none", text


@pytest.mark.parametrize("text", [
    "Je suis morte d'épuisement, vous avez des rendez-vous le soir ?",
    "Tô morrendo de desejo de começar a terapia. Vocês atendem sábado?",
    "Умираю от усталости после смены. Есть запись на вечер?",
    "Muoio dalla fatica dopo il turno, avete appuntamenti la sera?",
    "Ich sterbe vor Erschöpfung nach der Schicht, haben Sie abends Termine?",
    "Patay ako sa nanay ko kapag late ako ulit. May slot po ba sa Sabado?",
])
def test_idioms_in_read_languages_leave_only_the_language_span(text: str) -> None:
    a = assess(text)
    assert a.crisis == "review", text
    assert {e.category for e in a.crisis_evidence} == {"other_language"}, a.crisis_evidence


@pytest.mark.parametrize("text", [
    "my phone is almost dead and honestly I want to die too",
    "I'd rather die than keep living like this, I'd die for my kids but I can't anymore",
    "I'm dying, I took all of my pills an hour ago",
    "me muero por dentro, ya no quiero vivir",
    "le pido a Dios que me lleve, ya no aguanto",
    "I've been saving up enough of my pills to do it",
    "Je veux mourir, je n'en peux plus",
    "Умираю от усталости, и я хочу умереть",
    "Voglio morire, non ce la faccio più",
])
def test_true_crisis_beside_the_idioms_stays_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


@pytest.mark.parametrize("text", [
    "Paciente de 30 años, ingesta intencional de sertralina hace una semana. Se refiere.",
    "Pt s/p intentional ingestion of acetaminophen 5 days ago, medically cleared.",
    "Intoxicación voluntaria con benzodiacepinas hace 3 días, dada de alta ayer.",
    "i have a letter written, a goodbye one, saved in my notes app",
    "so there's a note drafted on my laptop. a goodbye one, i guess. do u take walk ins",
    "tengo una carta de despedida escrita en el cajón, por si acaso",
    "This month I changed the beneficiaries on my policy, paid off my car and cancelled my "
    "memberships. Wanted to ask about TMS.",
    "Cambié los beneficiarios del seguro y pagué todas mis deudas. Quiero información.",
    # Being hit by another driver wished for; a height looked up; not better by a set point.
    "lately every time I drive I think it would be easier if a truck ran a light into me",
    "I googled how high the bridge near my house is, twice",
    "si para el verano no me siento mejor ya no voy a seguir",
])
def test_preparations_and_meant_ingestions_are_urgent_by_the_rules(text: str) -> None:
    assert assess_by_rules(text).crisis == "urgent", text


@pytest.mark.parametrize("text", [
    "intoxicación alimentaria la semana pasada, ¿puedo empezar ketamina?",
    "I wrote a thank-you note to Dr. Lee, can I drop it off?",
    "The letter is written and signed by my doctor, see you Tuesday",
    "I have the referral letter ready, where do I send it?",
    "I paid off my credit card and cancelled my gym membership since I'm moving. Telehealth?",
    "Do I need to list a beneficiary on the intake form? I just paid off my deductible.",
    "I was in a car accident last year when someone ran a red light into me, need therapy",
    "I looked up how tall the building is for my architecture class",
    "si no me siento mejor con la sertralina quiero probar TMS",
    "if im not better by spring I want to try TMS",
])
def test_ordinary_wordings_beside_the_new_rules_are_not_urgent(text: str) -> None:
    assert assess_by_rules(text).crisis != "urgent", text


@pytest.mark.parametrize("text", [
    # Asked without a question mark about a group who had something in the past.
    "I'm a youth pastor. A family asked me whether you see kids who have self-harmed before; "
    "nothing current, they just want to know the ages you take.",
    "calling to ask whether you treat adults who have attempted suicide before, thanks",
    "Quería saber si atienden a adolescentes que se han cortado en el pasado.",
    # A relative's self-harm long ended: "clean almost 2 years".
    "My son used to cut. He has been clean for nearly three years and wants a DBT refresher.",
    # "One more thing" as a turn of speech, next to a relative's death and a denial.
    "I should mention one more thing: my mother died by suicide when I was a teen. I'm not "
    "having thoughts like that myself.",
])
def test_questions_and_dated_histories_stay_review(text: str) -> None:
    assert assess_by_rules(text).crisis == "review", text


@pytest.mark.parametrize("text", [
    "I was wondering if someone who tried to kill themselves last week can start TMS",
    "I wanted to know if people who have suicidal thoughts like me can get ketamine, I have "
    "them every night",
    "My son used to cut. He has been clean for 2 weeks but I found blades again.",
    "my son is cutting again. he was clean for 2 years.",
    "I will try one more thing and if it does not work I am done.",
])
def test_near_misses_of_the_review_kinds_stay_urgent(text: str) -> None:
    assert assess(text).crisis == "urgent", text


@pytest.mark.parametrize(("text", "wanted"), [
    # A refusal reaches across a list of names.
    ("Not interested in ketamine or Spravato, just a psychiatrist for my meds please.",
     {"medication_management"}),
    ("No quiero ketamina ni terapia, solo TMS.", {"tms"}),
    # Names transcribed by sound in a voicemail.
    ("hi calling to move my tee em ess session to monday", {"tms"}),
    ("my doctor said something about spray vado for my husband, how do we start", {"spravato"}),
    ("quiero una cita con el siquiatra lo antes posible", {"medication_management"}),
    # French therapy; services the clinic does not offer.
    ("Bonjour, je cherche une thérapeute pour mon fils.", {"therapy"}),
    ("Do you offer biofeedback? My neurologist suggested it.", {"other"}),
    ("Is GeneSight something you do before starting a new med?", {"other"}),
    ("does the doctor there do genetic testing before picking a med?", {"other"}),
])
def test_round12_treatment_kinds(text: str, wanted: set[str]) -> None:
    assert set(assess(text).treatments) == wanted, assess(text).treatments


@pytest.mark.parametrize(("text", "wanted"), [
    # Near misses: a list after a wish is still wished for; a refusal of one keeps the next.
    ("I'd like TMS or Spravato, whichever has an opening first.", {"tms", "spravato"}),
    ("Not ketamine, but I'd like to try TMS.", {"tms"}),
    ("mi siquiatra quiere que pruebe TMS", {"tms"}),
])
def test_round12_treatment_near_misses(text: str, wanted: set[str]) -> None:
    assert set(assess(text).treatments) == wanted, assess(text).treatments
