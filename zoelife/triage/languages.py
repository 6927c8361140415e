"""Languages read by meaning besides English and Spanish (data/languages/<code>.toml).

Each file declares, for one language, the words of the lexical fields of fields.toml (self,
death and not existing, desire, intent, acts of self-harm, means, preparation, time,
negation...), the words its context rules read (denials, dates, other people), its idioms, and
the few rules its word order needs. The rules of fields.toml combine those words as they
combine English and Spanish ones. Which language's fields apply to a message is the language
identifier's call (language.py): a language without a file stays `review`, as before.

Loaded once at import; a file naming a field fields.toml does not have, or a rule needing a
field nobody declares, fails loudly, naming the file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources

from ._text import load_toml

try:  # the languages simplemma has a dictionary for, without loading one (about 0.5 s each)
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
    _SIMPLEMMA: frozenset[str] | None = frozenset(SUPPORTED_LANGUAGES)
except ImportError:  # pragma: no cover - another simplemma layout: checked on first use
    _SIMPLEMMA = None


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as py3langid names it
    name: str
    lemmatise: bool  # simplemma has a dictionary for it
    fields: dict[str, tuple[str, ...]]  # field -> entries (fields.toml's and its own)
    rules: tuple[dict, ...]  # rules its word order needs, besides fields.toml's
    elision: dict[str, str]  # elided word -> the word ("m" -> "me")
    context: dict  # negation, filler, history_old, history_recent, ago, numbers, units, ...
    idioms: tuple[str, ...]
    variants: tuple[str, ...] = ()  # codes py3langid gives text in this language (Galician)
    any_script: bool = False  # its words are letters of another script (Cyrillic), not a-z
    # Written without spaces between words (Chinese): every Han character is a word of its own,
    # and an entry is the run of its characters ("想死" is "想" + "死").
    by_character: bool = False
    # How a medication trial went in its words ([trial_responses]: side_effects, no_response,
    # partial, worked), read by `trial_responses` beside the English and Spanish words.
    trial_responses: dict[str, tuple[str, ...]] = field(default_factory=dict)


# A trial's responses, in the order they are tried (trial_responses.py): side effects first.
TRIAL_RESPONSES = ("side_effects", "no_response", "partial", "worked")


def load_languages(folder=None) -> dict[str, Language]:
    """Every language file of ``folder`` (data/languages/ by default), checked."""
    known = set(load_toml("fields.toml")["field"]) | {"unknown_word"}
    found: dict[str, Language] = {}
    if folder is None:
        folder = resources.files("zoelife.triage.data").joinpath("languages")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        with entry.open("rb") as fh:
            spec = tomllib.load(fh)
        where = f"triage/data/languages/{entry.name}"
        head = spec["language"]
        code = head["code"]
        if entry.name != f"{code}.toml":
            raise ValueError(f"{where}: the file must be named {code}.toml")
        own = spec.get("extra_field", {})
        fields = {**spec.get("field", {}), **own}
        unknown = set(spec.get("field", {})) - known
        if unknown:
            raise ValueError(f"{where}: fields fields.toml does not have: {sorted(unknown)} "
                             "(declare a field only this language needs under [extra_field])")
        for rule in spec.get("rule", ()):
            for group in rule["needs"]:
                missing = set(group) - known - set(own)
                if missing:
                    raise ValueError(f"{where}: a rule needs undeclared fields {sorted(missing)}")
        _check_placeholders(where, spec)
        responses = spec.get("trial_responses", {})
        if set(responses) - set(TRIAL_RESPONSES):
            raise ValueError(f"{where}: [trial_responses] names {sorted(set(responses) - set(TRIAL_RESPONSES))}; "
                             f"a trial's response is one of {list(TRIAL_RESPONSES)}")
        lemmatise = head.get("lemmatiser", "none") == "simplemma"
        if lemmatise and _SIMPLEMMA is not None and code not in _SIMPLEMMA:
            raise ValueError(f"{where}: simplemma has no dictionary for {code!r}")
        elision = {}
        for pair in head.get("elision", ()):
            short, _, whole = pair.partition("=")
            elision[short.strip()] = whole.strip()
        found[code] = Language(
            code, head["name"], lemmatise,
            {name: tuple(entries) for name, entries in fields.items()},
            tuple(spec.get("rule", ())), elision, spec.get("context", {}),
            tuple(spec.get("idioms", {}).get("patterns", ())), tuple(head.get("variants", ())),
            head.get("script", "latin") == "any", head.get("words", "spaced") == "characters",
            {name: tuple(words) for name, words in responses.items()})
    return found


# The placeholders `language_context` (denials_and_dates.py) fills in, and only in `ago`: NUM
# (a number, digits or the file's number words) and UNIT (the file's unit words), replaced as
# written (next to a Chinese character too: "NUM UNIT前") and made groups 1 and 2 of the pattern.
_FILLED = re.compile(r"NUM|UNIT")
# Written any other way ("num unit") they are not filled in and match only those letters.
_LOOKALIKE = re.compile(r"(?<![^\W_])(?:num|unit)(?![^\W_])", re.IGNORECASE)


def _strings(value, path: str):
    """Every string of a TOML value, with where it sits ("context.ago")."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)


def _check_placeholders(where: str, spec: dict) -> None:
    """Each `ago` pattern holds NUM then UNIT, once each and in capitals, and no group of its
    own that would take their numbers; no other entry holds a placeholder (nothing fills it
    in there); a file with `ago` patterns has unit words for UNIT."""
    for path, text in _strings(spec, ""):
        filled = _FILLED.findall(text)
        lookalike = _LOOKALIKE.findall(_FILLED.sub(" ", text))
        if lookalike:
            raise ValueError(f"{where}: {path} {text!r} holds {lookalike[0]!r}, which nothing "
                             "fills in (the ago patterns' placeholders are NUM and UNIT)")
        if path != "context.ago":
            if filled:
                raise ValueError(f"{where}: {path} {text!r} holds {filled[0]}: only the ago "
                                 "patterns have placeholders")
            continue
        if filled != ["NUM", "UNIT"]:
            raise ValueError(f"{where}: the ago pattern {text!r} must hold NUM then UNIT, once "
                             f"each (found {filled})")
        if re.compile(_FILLED.sub("x", text)).groups:
            raise ValueError(f"{where}: the ago pattern {text!r} has a group of its own: write "
                             "(?:...), groups 1 and 2 are NUM and UNIT")
    context = spec.get("context", {})
    if context.get("ago") and not context.get("units"):
        raise ValueError(f"{where}: ago patterns need unit words under [context.units]")


#: Languages read by meaning besides English and Spanish, by code.
LANGUAGES: dict[str, Language] = load_languages()
