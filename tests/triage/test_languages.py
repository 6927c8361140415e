"""Languages read by meaning besides English and Spanish (zoelife/triage/data/languages/).

Every sentence here was written for this test (none is from a blind round): for each language
added, urgent wordings of several kinds, the same kinds denied or dated (review), and ordinary
messages and idioms whose words the fields must not combine. A message in a language other than
English and Spanish is never `none`: someone who reads the language checks it, so "nothing
found" shows as no evidence besides `other_language`.
"""

from __future__ import annotations

import gc
import re
import sys
import uuid

import pytest

from zoelife.triage import assess
from zoelife.triage._text import _FOLD
from zoelife.triage.denials_and_dates import BASE_CONTEXT, language_context
from zoelife.triage.language import language_guess
from zoelife.triage.languages import LANGUAGES, load_languages
from zoelife.triage.trials import extract_trials


def _found(text: str) -> list[tuple[str, str]]:
    a = assess(text)
    return [(e.category, e.level) for e in a.crisis_evidence if e.category != "other_language"]


URGENT = {
    "pt": [
        "Tenho pensado todos os dias que seria melhor morrer.",  # passive wish
        "Não quero mais viver, estou cansada de tudo.",  # negation + desire + life
        "Ontem à noite me cortei nos braços com uma lâmina.",  # self-harm, recent
        "Minha irmã disse que vai se jogar da ponte amanhã.",  # third party, plan
        "Comprei uma corda e deixei tudo em ordem para os meus filhos.",  # means, preparation
        "Tomei uma cartela inteira de remédios semana passada e fui parar na emergência.",
        "Não me vejo mais vivo até o fim do ano.",  # a future without oneself
        "Quero morrer.",  # too short to name a language: read in every declared one
    ],
    "fr": [
        "Depuis un mois j'ai envie de mourir tous les soirs.",  # passive wish
        "Je ne veux plus vivre comme ça, je n'en peux plus.",  # negation + desire + life
        "Hier soir je me suis coupée aux poignets.",  # reflexive, auxiliary, act
        "Mon fils m'a dit qu'il allait se jeter du pont ce week-end.",  # third party, plan
        "J'ai acheté une corde et j'ai écrit des lettres à mes enfants.",  # means, farewell
        "Je pense à m'ouvrir les veines.",  # elided pronoun read as a word
        "J'ai des idées suicidaires depuis deux semaines.",
        "Je garde mes somnifères de côté, j'en ai presque assez.",  # stash + pills
    ],
    "ru": [
        "Я больше не хочу жить. Каждый вечер думаю о том, чтобы умереть.",
        "Вчера я порезала себе руки лезвием.",  # self-harm, recent
        "Мой брат сказал, что собирается прыгнуть с моста.",  # third party, plan
        "Я коплю таблетки снотворного, их уже почти достаточно.",  # stash + pills
    ],
    "vi": [
        "Tôi không muốn sống nữa, mỗi đêm tôi đều nghĩ đến cái chết.",
        "Mẹ tôi nói bà muốn chết, bà thấy mình là gánh nặng.",  # third party
        "Con trai tôi tự rạch tay tối qua.",  # self-harm, recent
    ],
    "tl": [
        "Gusto ko nang mamatay, pagod na ako sa buhay.",
        "Naglaslas ako kagabi.",  # self-harm, recent
        "Minsan gusto ko na lang matulog at hindi na po magising.",  # particles in between
    ],
    "it": [
        "Da settimane penso che sarebbe meglio morire.",  # passive wish
        "Non voglio più vivere, sono stanca di tutto.",  # negation + desire + life
        "Ieri sera mi sono tagliata i polsi con una lametta.",  # reflexive, auxiliary, act
        "Mio fratello ha detto che vuole buttarsi dal ponte domani.",  # third party, plan
        "Ho comprato una corda e ho scritto una lettera per i miei figli.",  # means, farewell
        "Ho messo da parte le pillole di mia madre, ormai sono quasi abbastanza.",  # stash
        "Ho preso una scatola intera di sonniferi la settimana scorsa.",  # overdose
        "Vorrei addormentarmi e non svegliarmi più.",  # not waking up
        "Ho pensieri suicidi da due settimane.",
        "Ho già deciso, dopo Natale la faccio finita.",  # a date set for an ending
        "Se questa terapia non funziona, la faccio finita.",  # a conditional ending
        "Da adolescente mi tagliavo, e adesso ho ricominciato a tagliarmi.",  # dated, then again
    ],
    "de": [
        "Seit Wochen denke ich, dass es besser wäre zu sterben.",  # passive wish
        "Ich will nicht mehr leben, ich bin so müde von allem.",  # wish, negation, life
        "Gestern Abend habe ich mir die Arme mit einer Rasierklinge aufgeschnitten.",
        "Ich ritze mich wieder, fast jeden Tag.",  # self-harm, recent
        "Mein Bruder hat gesagt, dass er morgen von der Brücke springen will.",  # third party
        "Ich habe mir ein Seil gekauft und Abschiedsbriefe an meine Kinder geschrieben.",
        "Letzte Woche habe ich eine ganze Packung Schlaftabletten genommen.",  # overdose
        "Ich sammle seit Monaten die Tabletten meiner Mutter, bald reicht es.",  # stash
        "Ich habe seit zwei Wochen Suizidgedanken.",  # a compound term
        "Ich möchte einschlafen und nicht mehr aufwachen.",
        "Ich bringe mich um, wenn die Therapie nicht hilft.",  # a separable verb
        "Als Jugendliche habe ich mich geritzt, und jetzt ritze ich mich wieder.",
    ],
    "pl": [
        "Od miesiąca codziennie myślę, że lepiej byłoby umrzeć.",  # passive wish
        "Nie chcę już żyć, jestem zmęczona wszystkim.",  # negation + desire + life
        "Wczoraj wieczorem pocięłam sobie nadgarstki żyletką.",  # self-harm, recent
        "Mój brat powiedział, że jutro skoczy z mostu.",  # third party, plan
        "Kupiłem sznur i napisałem list pożegnalny do dzieci.",  # means, farewell
        "Od pół roku mam myśli samobójcze.",  # "od" is "from", the term is read
        "Dzień dobry, od tygodnia myślę o tym, żeby się zabić.",
    ],
    "ht": [
        "Bonjou, m pa vle viv anko, chak swa m panse a lanmò.",  # negation + desire + life
        "Pitit gason m nan di li vle touye tèt li.",  # third party, "oneself" is "tèt li"
        "Yè swa mwen koupe ponyèt mwen ak yon jilèt.",  # self-harm, recent
        "Se mwen ki te sere tout grenn dòmi yo nan yon bwat.",  # stash + pills
        "Mari m di tout moun t ap pi byen san li.",  # burden, reported
        "Frè m nan di li pral sote sou pon an demen.",  # third party, plan
        "M ta renmen dòmi epi pa janm leve ankò.",  # passive wish
    ],
    "ar": [
        "مرحبا، منذ أسبوعين أفكر كل ليلة أنني أريد أن أموت.",  # passive wish
        "أخي جرح نفسه أمس بسكين، وقال إنه لا يريد أن يعيش.",  # self-harm, third party
        "ابني يقول إن الجميع سيكونون أحسن بدونه، وبدأ يوزع أغراضه.",  # burden, giving away
        "أنا أجمع حبوب النوم في درج، صار عندي الكثير منها.",  # stash + pills
        "زوجتي قالت إنها سوف تقفز من الجسر.",  # plan
        "صرت أبحث على الإنترنت عن طرق الانتحار.",  # research
        "بدي موت، ما عاد فيني أتحمل.",  # Levantine
        "أخذت علبة كاملة من الحبوب ليلة أمس.",  # attempt
    ],
    "zh": [
        "我最近每天晚上都想死，觉得活着没意思。",  # passive wish, read character by character
        "我女儿昨天又用刀片割自己的手腕。",  # self-harm, recent
        "我哥哥说他准备从桥上跳下去。",  # third party, plan
        "我偷偷攒了很多安眠药，放在抽屉里。",  # stash + pills
        "我老公说没有他我们会过得更好，还把东西都送人了。",  # burden (a wider window)
        "我在網上查怎麼自殺最不痛。",  # traditional characters, research
        "我不想活了。",
    ],
    "ko": [
        "요즘 매일 밤 죽고 싶다는 생각이 들어요.",  # passive wish, read syllable by syllable
        "제 딸이 어제 또 커터칼로 손목을 그었어요.",  # self-harm, recent
        "남편이 한강 다리에서 뛰어내릴 거라고 했어요.",  # third party, plan
        "수면제를 몰래 모아 두고 있어요.",  # stash + pills
        "아들이 자기가 없으면 가족이 더 편할 거라고 했어요.",  # burden, Korean order
        "더 이상 살고 싶지 않아요.",  # life, wish, then negation
        "인터넷으로 자살 방법을 검색했어요.",  # research
    ],
    "uk": [
        "Я більше не хочу жити, кожного дня думаю про смерть.",
        "Мій чоловік каже, що в нього є рушниця і що йому немає сенсу жити.",
        "Я купила таблетки і вже вибрала день.",
        "Донька ріже собі руки, я бачила свіжі порізи.",
    ],
}

REVIEW = {  # the same kinds, denied or dated beyond the time limits
    "pt": [
        "Nunca pensei em suicídio, só quero tratar minha ansiedade.",
        "Não tenho pensamentos suicidas, gostaria de saber o preço da cetamina.",
        "Há dez anos tentei me matar com remédios; quero começar TMS.",
        "Quando eu era adolescente eu me cortava, agora estou bem.",
        "Meu irmão se matou e desde então estou muito triste.",  # another's completed suicide
    ],
    "fr": [
        "Je n'ai pas d'idées suicidaires, je voudrais un rendez-vous pour la TMS.",
        "Je n'ai jamais pensé au suicide.",
        "Il y a quinze ans j'ai fait une tentative de suicide; je voudrais essayer le Spravato.",
        "Ma mère s'est suicidée et depuis je ne dors plus.",  # another's completed suicide
        "Patiente adressée pour TMS. Idées suicidaires : aucune.",  # a denial after the words
    ],
    "ru": [
        "У меня нет суицидальных мыслей, хочу записаться на ТМС.",
        "Интересуюсь ТМС. Суицидальных мыслей нет, просто устала.",  # a denial after the words
        "Пять лет назад я пыталась покончить с собой, сейчас все хорошо.",
        "Мой отец покончил с собой, и с тех пор я не сплю.",  # another's completed suicide
    ],
    "vi": [
        "Tôi chưa bao giờ có ý định tự tử, chỉ muốn hỏi về TMS.",
    ],
    "tl": [
        "Hindi ko naisip magpakamatay, gusto ko lang magpa-schedule ng TMS.",
    ],
    "it": [
        "Non ho pensieri suicidi, vorrei solo un appuntamento per la TMS.",
        "Non ho mai pensato al suicidio.",
        "Dieci anni fa ho tentato il suicidio con dei farmaci; vorrei provare lo Spravato.",
        "Da adolescente mi tagliavo, ora sto bene.",
        "Mio padre si è tolto la vita e da allora non dormo.",  # another's completed suicide
        "Paziente inviata per TMS. Ideazione suicidaria: assente.",  # a denial after the words
    ],
    "de": [
        "Ich habe keine Suizidgedanken, ich möchte nur einen Termin für TMS.",
        "Ich habe nie an Selbstmord gedacht.",
        "Vor zehn Jahren hatte ich einen Suizidversuch mit Tabletten; ich möchte Spravato "
        "ausprobieren.",
        "Als Jugendliche habe ich mich geritzt, jetzt geht es mir gut.",
        "Mein Vater hat sich das Leben genommen und seitdem schlafe ich nicht mehr.",
        "Patientin zur TMS überwiesen. Suizidgedanken: keine.",  # a denial after the words
    ],
    "pl": [
        "Nie mam myśli samobójczych, chciałabym umówić wizytę na TMS.",
        "Dziesięć lat temu próbowałam popełnić samobójstwo, teraz czuję się dobrze.",
        "Mój ojciec odebrał sobie życie i od tego czasu nie śpię.",  # another's suicide
    ],
    "ht": [
        "Mwen pa gen okenn lide swisid, m jis bezwen yon randevou pou TMS.",  # a denial
        "Mwen te eseye touye tèt mwen sa gen dis zan, kounye a m byen.",  # dated
        "Papa m te touye tèt li lè m te piti, se pou sa m pè depresyon.",  # another's suicide
    ],
    "ar": [
        "ليس لدي أي أفكار انتحارية، أريد موعدا للعلاج بالتحفيز المغناطيسي.",
        "حاولت الانتحار منذ عشر سنوات، والآن أنا بخير وأريد علاجا للاكتئاب.",
        "أخي انتحر قبل خمس سنوات، ومن وقتها لا أنام جيدا.",  # another's suicide, dated
    ],
    "zh": [
        "我没有自杀的念头，只是想预约TMS治疗。",  # a denial, read character by character
        "我十年前自杀未遂过，现在很稳定。",  # "十年前": ten years ago
        "我爸爸多年前自杀身亡，我现在想找心理咨询。",  # another's suicide
    ],
    "ko": [
        "자살 생각은 없어요. TMS 치료 예약하고 싶어요.",  # a denial after the words
        "10년 전에 자살 시도를 한 적이 있지만 지금은 괜찮아요.",  # dated
        "아버지가 오래전에 자살로 돌아가셨어요. 상담을 받고 싶어요.",  # another's suicide
    ],
    "uk": [
        "У мене немає думок про самогубство, просто втома і безсоння. Хочу записатися на ТМС.",
        "Десять років тому я намагалася покінчити з собою, зараз у мене все добре.",
    ],
}

NOTHING = {  # ordinary messages and idioms: no crisis evidence at all
    "pt": [
        "Olá, gostaria de marcar uma consulta para TMS. Aceitam plano de saúde?",
        "Estou morrendo de vontade de experimentar o spray nasal.",  # idiom: dying to
        "Morri de rir com o vídeo de vocês, mas quero saber o preço.",
        "Não quero continuar com a sertralina, quero saber de outras opções.",
        "Vou passar na clínica amanhã para deixar os documentos.",
    ],
    "fr": [
        "Bonjour, je voudrais un rendez-vous pour mon fils, il est très anxieux.",
        "Je meurs d'envie d'essayer la kétamine, est-ce remboursé ?",  # idiom: dying to
        "J'ai coupé les ponts avec mon ancien psychiatre, je cherche un suivi.",
        "Je ne veux pas continuer le traitement actuel, il me fatigue.",
    ],
    "ru": [
        "Здравствуйте, я хотела бы записаться на прием к психиатру для мамы.",
        "Я умираю от смеха, но хочу узнать цену кетамина.",  # idiom
    ],
    "vi": [
        "Xin chào, tôi muốn đặt lịch hẹn với bác sĩ cho bố tôi.",
    ],
    "tl": [
        "Magandang araw po, gusto ko pong magpa-appointment para sa nanay ko.",
    ],
    "it": [
        "Buongiorno, vorrei prenotare una visita per mio figlio, è molto ansioso.",
        "Muoio dalla voglia di provare lo spray nasale, è rimborsato?",  # idiom: dying to
        "Sono stanca morta dopo il lavoro, ma vorrei sapere il prezzo.",  # idiom: dead tired
        "Mi piace da morire il vostro approccio.",  # idiom
        "Mi fa male la testa da giorni, posso fare la TMS?",  # a headache, not self-harm
        "Domani mi taglio i capelli e poi passo in clinica per i documenti.",  # a haircut
        "Quella persona mi ferisce con le parole.",  # hurt by someone else
        "Non voglio continuare con la sertralina, vorrei sapere le alternative.",
        "Se il farmaco non funziona, proverò la TMS.",  # a condition without an ending
    ],
    "de": [
        "Guten Tag, ich möchte einen Termin für meinen Sohn vereinbaren, er ist sehr ängstlich.",
        "Ich sterbe vor Neugier, wie das Nasenspray wirkt. Übernimmt die Kasse das?",  # idiom
        "Ich bin todmüde nach der Arbeit, aber ich möchte den Preis wissen.",  # idiom
        "Ich habe mir beim Friseur die Haare schneiden lassen und komme danach vorbei.",
        "Ich will nicht mehr mit Sertralin weitermachen, welche Alternativen gibt es?",
        "Der Stress bringt mich noch um, ich brauche einen Termin.",  # idiom
        "Ich will nicht mehr in dieser Stadt leben, kann ich trotzdem kommen?",  # a place
    ],
    "pl": [
        "Dzień dobry, chciałabym umówić wizytę dla mojej mamy w przyszłym tygodniu.",
        "Umieram z ciekawości, jak działa ten spray do nosa.",  # idiom: dying of curiosity
        "Od pół roku mam depresję, a leki nie pomagają.",  # "od" is not OD
        "Nie chcę kontynuować sertraliny, jakie są inne opcje?",
        "Zabić czas w poczekalni jest trudno, czy macie wifi?",  # idiom: kill time
    ],
    "ht": [
        "Bonjou, m ta renmen pran yon randevou pou manman m semèn pwochèn.",
        "M ap mouri ri ak videyo sa a, men m bezwen yon doktè pou depresyon.",  # idiom
        "Chalè a ap touye m, èske nou gen randevou nan maten?",  # idiom: the heat kills me
        "Konbyen sa koute pou tretman TMS la? M pa gen asirans.",
        "Mwen te touye tan nan sal datant lan, eske nou gen wifi?",  # idiom: kill time
    ],
    "ar": [
        "مرحبا، أريد حجز موعد لأمي الأسبوع القادم، هل تقبلون التأمين؟",
        "كنت أموت من الضحك على هذا الفيديو، لكن أحتاج طبيبا نفسيا للقلق.",  # idiom
        "أريد أن أعيش حياة أفضل، لذلك أبحث عن علاج.",  # wanting to live
        "أخذت كل الأوراق إلى الطبيب أمس.",  # took all the papers, not an overdose
    ],
    "zh": [
        "你好，我想给我妈妈预约下周的门诊，请问收保险吗？",
        "今天上班累死了，请问周末可以预约吗？",  # idiom: dead tired
        "这个视频笑死我了，不过我想问一下氯胺酮治疗的费用。",  # idiom: laughing to death
        "我想好好活下去，所以想找医生看看焦虑。",  # wanting to live
    ],
    "ko": [
        "안녕하세요, 다음 주에 어머니 진료 예약을 하고 싶어요. 보험 되나요?",
        "요즘 일이 많아서 힘들어 죽겠어요. 주말 예약 가능한가요?",  # idiom: "so hard I'd die"
        "아침에 죽을 먹었는데 케타민 치료 비용이 궁금해요.",  # "죽" is porridge
        "그 영화 진짜 죽인다, 근데 우울증 약 상담 받고 싶어요.",  # "죽인다": awesome
    ],
    "uk": [
        "Добрий день, хочу записати маму до психіатра наступного тижня. Чи приймаєте страховку?",
        "Я помираю від сміху з цього відео, але хочу спитати про ціну ТМС.",  # idiom
        "Ми купили ліки від тиску і призначили дату прийому в кардіолога.",  # a date for something
    ],
}


@pytest.mark.parametrize(("code", "text"),
                         [(c, t) for c, texts in URGENT.items() for t in texts])
def test_urgent_wordings_in_a_read_language(code: str, text: str) -> None:
    a = assess(text)
    assert a.crisis == "urgent", (text, a.crisis_evidence)


@pytest.mark.parametrize(("code", "text"),
                         [(c, t) for c, texts in REVIEW.items() for t in texts])
def test_denied_or_dated_wordings_are_review(code: str, text: str) -> None:
    a = assess(text)
    assert a.crisis == "review", (text, a.crisis_evidence)
    assert a.language_code == code
    assert any(level == "review" for _, level in _found(text)), "the words were read"


@pytest.mark.parametrize(("code", "text"),
                         [(c, t) for c, texts in NOTHING.items() for t in texts])
def test_ordinary_messages_find_nothing_and_a_person_still_reads_them(code: str, text: str,
                                                                      ) -> None:
    a = assess(text)
    assert a.language == "other" and a.language_code == code
    assert a.language_read
    assert _found(text) == [], (text, a.crisis_evidence)
    assert a.crisis == "review"  # never `none`: not English or Spanish


def test_a_portuguese_message_spanish_mostly_shares_is_read_as_portuguese() -> None:
    # Most words are Spanish words too; langid is sure it is Portuguese.
    guess = language_guess("Não me vejo vivo até o Natal, já não sei o que fazer.")
    assert (guess.language, guess.code, guess.reads) == ("other", "pt", ("pt",))
    # "no" is "in the" in Portuguese, not a denial.
    assert assess("Tenho pensado no suicídio todos os dias.").crisis == "urgent"


def test_a_mixed_message_is_read_in_both_languages() -> None:
    a = assess("Hi, I'd like to book TMS for my mother. Ela disse que quer morrer e não aguenta "
               "mais viver.")
    assert a.crisis == "urgent"
    assert {"passive_ideation", "hopelessness"} <= {c for c, _ in _found(
        "Hi, I'd like to book TMS for my mother. Ela disse que quer morrer e não aguenta mais "
        "viver.")}


def test_a_language_without_fields_stays_review() -> None:
    # Turkish has no file in data/languages/: review, as before.
    a = assess("Merhaba, bir doktora görünmem gerekiyor. Artık yaşamak istemiyorum, çok yorgunum.")
    assert a.language == "other" and a.language_code not in LANGUAGES
    assert not a.language_read
    assert a.crisis == "review"


def test_a_message_in_a_language_still_not_read_is_review_whatever_it_says() -> None:
    # Dutch has no file: risk and an ordinary request alike are review, never none.
    for text in ("Goedendag, ik denk al een week aan zelfmoord en ik wil niet meer leven.",
                 "Goedendag, ik wil graag een afspraak maken voor mijn moeder."):
        a = assess(text)
        assert a.language == "other" and a.language_code == "nl" and not a.language_read
        assert a.crisis == "review", text


def test_an_italian_or_german_clause_in_an_english_message_is_read() -> None:
    assert assess("Hi, booking TMS for my mother. Dice che vuole morire e non ce la fa più."
                  ).crisis == "urgent"
    assert assess("Hi, booking TMS for my father. Er sagt, er will nicht mehr leben."
                  ).crisis == "urgent"


def test_a_question_about_patients_in_general_is_informational_in_italian_and_german() -> None:
    for text in ("Cosa fate se un paziente ha pensieri suicidi durante la terapia?",
                 "Wie gehen Sie vor, wenn eine Patientin während der Behandlung "
                 "Suizidgedanken hat?"):
        assert [c for c, _ in _found(text)] == ["informational"], text
    # ... not when the writer is in it.
    for text in ("Ho pensieri suicidi, cosa fate se un paziente sta male durante la terapia?",
                 "Wie gehen Sie vor, wenn ich während der Behandlung Suizidgedanken habe?"):
        assert assess(text).crisis == "urgent", text


def test_english_and_spanish_are_not_read_with_other_languages_words() -> None:
    # "no" stays a Spanish denial in a Spanish message.
    assert assess("No tengo pensamientos suicidas, solo quiero una cita.").crisis == "review"
    assert assess("Hola, necesito una cita para mi hijo, no quiere comer.").crisis == "none"


def test_every_word_of_a_language_file_is_written_folded() -> None:
    # As the detector reads text: lower case, no accents ("nao", "idee"), Cyrillic "й" as "и".
    for code, lang in LANGUAGES.items():
        for field, entries in lang.fields.items():
            for entry in entries:
                assert entry == entry.translate(_FOLD) and "'" not in entry, (code, field, entry)


def test_a_language_file_naming_an_unknown_field_fails_loudly(tmp_path) -> None:
    (tmp_path / "xx.toml").write_text(
        '[language]\ncode = "xx"\nname = "Test"\n[field]\nno_such_field = ["a"]\n',
        encoding="utf-8")
    with pytest.raises(ValueError, match="no_such_field"):
        load_languages(tmp_path)
    (tmp_path / "xx.toml").write_text(
        '[language]\ncode = "xx"\nname = "Test"\n[[rule]]\ncategory = "plan"\n'
        'needs = [["death"], ["nowhere"]]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="nowhere"):
        load_languages(tmp_path)


# "N units ago" in each language's own words, with a number and a unit its file declares: a
# dated act past the time limit is `review` (dated), the same act weeks ago stays `urgent`. The
# Russian, Tagalog and Vietnamese patterns were written "num unit", never filled in, so neither
# was read (an old attempt stayed urgent).
AGO = [
    ("ru", "Два года назад я пыталась покончить с собой, сейчас все хорошо.",
     "Две недели назад я пыталась покончить с собой."),
    ("tl", "Dalawang taon na ang nakalipas, sinubukan kong magpakamatay. Okay na ako ngayon.",
     "Dalawang linggo na ang nakalipas, sinubukan kong magpakamatay."),
    ("vi", "Tôi đã cố tự tử hai năm trước, bây giờ tôi ổn.",
     "Tôi đã cố tự tử hai tuần trước."),
]


@pytest.mark.parametrize(("code", "old", "recent"), AGO)
def test_n_units_ago_dates_an_act_in_the_language(code: str, old: str, recent: str) -> None:
    a = assess(old)
    assert a.language_code == code
    assert a.crisis == "review", (old, a.crisis_evidence)
    assert ("historical", "review") in _found(old)
    assert assess(recent).crisis == "urgent", recent


def test_every_ago_pattern_is_filled_in_with_a_number_and_a_unit() -> None:
    # What language_context compiles: the placeholders replaced by the number and unit groups.
    for code, lang in LANGUAGES.items():
        own = language_context(code).ago[len(BASE_CONTEXT.ago):]
        assert len(own) == len(lang.context.get("ago", ())), code
        for rx, _numbers, units in own:
            assert rx.groups == 2 and units, (code, rx.pattern)
            assert "NUM" not in rx.pattern and "UNIT" not in rx.pattern, (code, rx.pattern)


@pytest.mark.parametrize(("context", "named"), [
    ('ago = ["num unit ago"]\n[context.units]\nyear = 12.0\n', "'num'"),  # not filled in
    ('ago = ["NUM ago"]\n[context.units]\nyear = 12.0\n', "NUM then UNIT"),
    ('ago = ["UNIT NUM ago"]\n[context.units]\nyear = 12.0\n', "NUM then UNIT"),
    ('ago = ["(about )?NUM UNIT ago"]\n[context.units]\nyear = 12.0\n', "group of its own"),
    ('ago = ["NUM UNIT ago"]\n', "unit words"),
    ('history_old = ["NUM years ago"]\n', "only the ago patterns"),
])
def test_a_language_file_with_a_placeholder_nothing_fills_in_fails_loudly(
        tmp_path, context: str, named: str) -> None:
    (tmp_path / "xx.toml").write_text(
        '[language]\ncode = "xx"\nname = "Test"\n[context]\n' + context, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(named)):
        load_languages(tmp_path)


def test_an_assessed_message_is_not_kept_in_process_memory() -> None:
    """Patient text never lingers in a process-wide cache (DESIGN.md): once `assess` and the
    trials extractor have read a message, nothing of theirs still holds it (the language guess
    used to keep up to 2,048 messages, keyed by their text)."""
    assess("Warm up every model once.")
    text = f"Hi, this is Wendolyn {uuid.uuid4().hex[:8]}, born 03/14/1988, asking about TMS."
    held = sys.getrefcount(text)
    assess(text)
    extract_trials(text)
    language_guess(text)
    gc.collect()
    assert sys.getrefcount(text) == held
