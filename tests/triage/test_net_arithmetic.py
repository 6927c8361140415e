"""The learned net's direct arithmetic (zoelife.triage.net_arithmetic) gives scikit-learn's
numbers bit for bit: the same probabilities, and the same word values behind the evidence."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.triage.evaluation import load
from zoelife.triage import learned
from zoelife.triage.learned import EXAMPLES

ALL_FILES = sorted(p.name for p in EXAMPLES.glob("*.jsonl"))


@pytest.fixture(scope="module")
def net():
    return learned.net()


def _labelled() -> list[str]:
    return [r["text"] for name in ALL_FILES for r in load(name)]


def test_the_direct_path_is_the_one_used(net):
    # Otherwise every test below compares scikit-learn with itself.
    assert net._direct is not None


def test_every_labelled_message_gets_scikit_learns_probabilities_exactly(net):
    texts = _labelled()
    assert net.chances(texts) == net.chances_by_scikit_learn(texts)


def test_one_at_a_time_and_in_a_batch_agree(net):
    texts = _labelled()[::7]
    assert [net.chances([t])[0] for t in texts] == net.chances(texts)


# Words of the labelled messages, odd spacing and characters, case changes: the n-grams of
# words the vocabulary knows, of words it does not, and of no words at all.
_WORDS = sorted({w for t in _labelled() for w in t.split()})
_pieces = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(str.upper),
    st.text(min_size=0, max_size=12),
    st.sampled_from([" ", "  ", "\n", "\t", " \u00a0 ", "...", "I", "a", "día", "ß", "İ"]),
)
_texts = st.lists(_pieces, min_size=0, max_size=40).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_texts, min_size=1, max_size=6))
def test_any_batch_gets_scikit_learns_probabilities_exactly(net, texts):
    assert net.chances(texts) == net.chances_by_scikit_learn(texts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_the_word_values_behind_the_evidence_are_scikit_learns(net, text):
    data, columns = net._direct.word_row(text)
    row = net._words.transform([text])
    assert columns.tolist() == row.indices.tolist()
    assert data.tolist() == row.data.tolist()


def test_the_evidence_words_are_unchanged_on_labelled_messages(net):
    for text in _labelled()[::5]:
        row = net._words.transform([text])
        names = net._names()
        for level in ("review", "urgent"):
            weights = net._word_weights[level]
            scored = sorted(((v * weights[j], names[j])
                             for j, v in zip(row.indices, row.data, strict=True)),
                            reverse=True)
            expected = [n for s, n in scored[:learned.EVIDENCE_WORDS] if s > 0]
            assert net.weightiest_words(text, level) == expected


@pytest.mark.parametrize("change", [{"sublinear_tf": False}, {"lowercase": False},
                                    {"ngram_range": (2, 5)}, {"norm": "l1"}])
def test_a_vectorizer_configured_otherwise_is_refused_not_misread(net, change):
    # LearnedNet then keeps scikit-learn's own path (its constructor catches Unsupported).
    from sklearn.base import clone

    from zoelife.triage.net_arithmetic import NetArithmetic, Unsupported

    chars = clone(net._features.transformer_list[0][1]).set_params(**change)
    with pytest.raises(Unsupported):
        NetArithmetic(chars, net._words, net._flagged, net._urgent)
