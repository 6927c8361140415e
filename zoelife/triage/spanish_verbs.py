"""Which person a Spanish verb form can be, for the few verbs whose person matters to a rule.

Spanish puts the object pronoun before the verb that leads to an act ("me volví a cortar", "se
quiere matar"): the act is done to oneself only when the pronoun and the leading verb are the
same person ("me volví" is I, "me volvió" is someone else doing it to the writer: "mi hermano me
volvió a pegar"). ``persons`` reads a form's person from its ending and its verb's class, with
the few irregular forms listed; a form that could be either ("volvía", "intento" typed without
its accent) is both, so the reading that keeps a message urgent stays possible (doubt means
urgent). ``field_words`` gives such a verb the extra forms "volver#1s", "volver#3s", and
"volver#pp" for a participle; fields.toml's ``[agreement]`` writes the fields that need them.
"""

from __future__ import annotations

from functools import lru_cache

from . import lexicon as simplemma

S1, S2, S3, P1, P2, P3 = "1s", "2s", "3s", "1p", "2p", "3p"
ALL = frozenset({S1, S2, S3, P1, P2, P3})
ONE_OR_THREE = frozenset({S1, S3})

# Irregular forms (folded, without accents) of the verbs the agreement fields use: verb, persons.
_IRREGULAR: dict[str, tuple[str, frozenset[str]]] = {}


def _add(verb: str, spec: str) -> None:
    for item in spec.split():
        form, persons = item.split(":")
        _IRREGULAR[form] = (verb, frozenset(persons.split("+")))


_add("haber", "he:1s has:2s ha:3s hemos:1p habeis:2p han:3p habia:1s+3s habias:2s "
     "habiamos:1p habian:3p hube:1s hubo:3s habre:1s habra:3s haya:1s+3s hubiera:1s+3s")
_add("ir", "voy:1s vas:2s va:3s vamos:1p vais:2p van:3p iba:1s+3s ibas:2s ibamos:1p iban:3p "
     "fui:1s fuiste:2s fue:3s fuimos:1p fueron:3p vaya:1s+3s")
_add("querer", "quise:1s quisiste:2s quiso:3s quisimos:1p quisieron:3p quisiera:1s+3s "
     "quisieras:2s querre:1s querra:3s")
_add("poder", "pude:1s pudiste:2s pudo:3s pudimos:1p pudieron:3p pudiera:1s+3s podre:1s "
     "podra:3s")
_add("poner", "puse:1s pusiste:2s puso:3s pusimos:1p pusieron:3p pongo:1s pondre:1s pondra:3s")

#: The forms of "haber" (a perfect's auxiliary), English words too ("he", "has").
HABER = frozenset(form for form, (verb, _) in _IRREGULAR.items() if verb == "haber")

# Participles that do not follow -ado/-ido.
_PARTICIPLE = {"vuelto": "volver", "puesto": "poner"}

_ACCENT = str.maketrans("aeiou", "áéíóú")


def _table(spec: str) -> dict[str, frozenset[str]]:
    return {item.split(":")[0]: frozenset(item.split(":")[1].split("+")) for item in spec.split()}


# What follows a regular verb's stem, by class: present, preterite, imperfect, subjunctive.
# "o" and "e" of an -ar verb are read with their accent below ("trato"/"trató", "traté"/"trate").
_COMMON = ("as:2s an:3p es:2s en:3p ara:1s+3s aras:2s aran:3p ase:1s+3s iera:1s+3s ieras:2s "
           "ieran:3p iese:1s+3s")
_SUFFIXES: dict[str, dict[str, frozenset[str]]] = {
    "ar": _table("o:1s+3s a:3s amos:1p e:1s+3s aste:2s aron:3p aba:1s+3s abas:2s abamos:1p "
                 "aban:3p emos:1p " + _COMMON),
    "er": _table("o:1s e:3s emos:1p i:1s iste:2s io:3s imos:1p ieron:3p ia:1s+3s ias:2s "
                 "iamos:1p ian:3p a:1s+3s amos:1p " + _COMMON),
    "ir": _table("o:1s e:3s imos:1p i:1s iste:2s io:3s ieron:3p ia:1s+3s ias:2s iamos:1p "
                 "ian:3p a:1s+3s amos:1p " + _COMMON),
}
_BY_LENGTH = {cls: sorted(t, key=len, reverse=True) for cls, t in _SUFFIXES.items()}
_FUTURE = {"e": frozenset({S1}), "as": frozenset({S2}), "a": frozenset({S3}),
           "emos": frozenset({P1}), "an": frozenset({P3}), "ia": ONE_OR_THREE,
           "ias": frozenset({S2}), "ian": frozenset({P3})}


def _accented(word: str) -> tuple[str, ...]:
    """The word with an accent on its last vowel ("volvio" -> "volvió", "queria" -> "quería"):
    messages are often typed without accents, and the dictionary only knows the accented form."""
    out = []
    for k in range(len(word) - 1, -1, -1):
        if word[k] in "aeiou":
            out.append(word[:k] + word[k].translate(_ACCENT) + word[k + 1:])
            break
    for ending in ("ia", "ias", "ian", "iamos"):
        if word.endswith(ending):
            k = len(word) - len(ending)
            out.append(word[:k] + "í" + word[k + 1:])
    return tuple(out)


@lru_cache(maxsize=65536)
def verb_forms(folded: str, original: str, verbs: frozenset[str]) -> tuple[str, ...]:
    """The agreement forms of a word for the verbs in ``verbs``: "volver#1s" for "volví",
    "volver#1s" and "volver#3s" for "volvía", "volver#pp" for "vuelto"."""
    out: list[str] = []
    if folded in _IRREGULAR:
        verb, marked = _IRREGULAR[folded]
        if verb in verbs:
            out.extend(f"{verb}#{p}" for p in sorted(marked))
    if folded in _PARTICIPLE and _PARTICIPLE[folded] in verbs:
        out.append(f"{_PARTICIPLE[folded]}#pp")
    if folded.endswith(("ado", "ada", "ido", "ida")):  # "intentado", "querido", "ido"
        stem = folded[:-3]
        for verb in ((stem + "ar",) if folded[-3] == "a" else (stem + "er", stem + "ir")):
            if verb in verbs:
                out.append(f"{verb}#pp")
    if out:
        return tuple(out)
    lemmas = {simplemma.lemmatize(w, lang="es").lower()
              for w in (original, folded, *_accented(folded))}
    accented = original != folded
    for verb in sorted(lemmas & verbs):
        out.extend(f"{verb}#{p}" for p in sorted(persons(folded, verb, accented, original)))
    return tuple(out)


def persons(folded: str, verb: str, accented: bool = False, original: str = "") -> frozenset[str]:
    """The persons a (regular or stem-changing) form of ``verb`` can be; every person when the
    ending says nothing sure."""
    cls, stem = verb[-2:], verb[:-2]
    if folded.startswith(verb):  # future and conditional: "volvere", "volveria"
        got = _FUTURE.get(folded[len(verb):])
        if got is not None:
            return got
    table = _SUFFIXES.get(cls)
    if table is None:
        return ALL
    regular = folded.startswith(stem) and folded[len(stem):] in table
    if regular:
        suffix = folded[len(stem):]
    else:  # a changed stem ("vuelvo", "quiere", "empiezo", "sigue"): the longest ending
        suffix = next((e for e in _BY_LENGTH[cls] if folded.endswith(e)), "")
        if not suffix:
            return ALL
    if cls == "ar" and suffix == "o":
        if not regular:  # "empiezo": the changed stem is the present's, the first person
            return frozenset({S1})
        # "trato" (I try) or "trató" (he tried): the accent decides, when it was typed.
        if accented:
            return frozenset({S3}) if original.endswith("ó") else frozenset({S1})
        return ONE_OR_THREE
    if cls == "ar" and suffix == "e" and accented and original.endswith("é"):
        return frozenset({S1})  # "traté" (I tried); "trate" may be a subjunctive: either
    return table[suffix]
