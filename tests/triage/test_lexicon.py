"""The triage reads simplemma's word lists in place (zoelife/triage/lexicon.py): a message in
English, Spanish or another read language never unpacks a whole list into a dict (20-157 MB a
language, in every process of an import)."""

from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY
from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

from zoelife.triage import assess, lexicon


def test_assessing_messages_in_several_languages_unpacks_no_word_list():
    DEFAULT_DICTIONARY_FACTORY._get_dictionary.cache_clear()
    for text in ("I can't sleep and I keep thinking about ending it all.",
                 "Ya no quiero vivir, me quiero morir.",
                 "Não aguento mais, quero morrer.",
                 "Je veux mourir, je n'en peux plus."):
        assess(text)
    assert DEFAULT_DICTIONARY_FACTORY._get_dictionary.cache_info().currsize == 0


def test_the_lists_read_in_place_answer_as_the_unpacked_ones():
    import simplemma

    words = ["running", "corriendo", "morrer", "xyzzyq", "Ciudad", "sertraline", "ended"]
    for lang in ("en", "es", "pt"):
        for word in words:
            assert lexicon.is_known(word, lang) == simplemma.is_known(word, lang=lang)
            assert lexicon.lemmatize(word, lang) == simplemma.lemmatize(word, lang=lang)
    assert isinstance(LOW_MEMORY_DICTIONARY_FACTORY.get_dictionary("es"), StreamMap)
