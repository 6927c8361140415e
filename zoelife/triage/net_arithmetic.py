"""The learned net's arithmetic, read off the fitted scikit-learn objects and done directly.

`LearnedNet.chances` through scikit-learn cost about 2 ms for one message, most of it
scikit-learn's per-call checking (input validation, output wrapping, the FeatureUnion's job
dispatch), not the arithmetic (bench/results.md). The webhook assesses one or a few messages per
call, so that checking was a large share of a delivery's CPU. Here the same operations are done
in the same order on the same numbers:

* the two vectorizers' n-grams: the character n-grams of each whitespace-separated word (a word
  is padded with one space each side, as scikit-learn's ``char_wb`` does) and the word tokens
  and word pairs, counted against the fitted vocabularies;
* TF-IDF: ``log(count) + 1`` by numpy over the batch's counts as scikit-learn does it, times the
  fitted idf, each block's row scaled to unit length by scikit-learn's own kernel
  (`inplace_csr_row_normalize_l2`);
* logistic regression: the row's values times the coefficients, summed in column order from
  0.0 as scipy's sparse product sums them, plus the intercept, through scipy's ``expit``.

So the probabilities are the same floating-point numbers, not merely close ones
(tests/triage/test_net_arithmetic.py compares them bit for bit with ``predict_proba``). A
vectorizer configured otherwise than this module reproduces raises `Unsupported`, and
`LearnedNet` then keeps scikit-learn's path.

A word's character n-grams depend on the word alone, so their vocabulary columns are kept per
word in a bounded in-process cache (words, never messages; DESIGN: no patient text in a cache
shared across users).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

# Distinct words whose character n-gram columns are kept: about 290 bytes a word, so ~9 MB at
# most (20,000 generated messages hold 16,204 distinct words, 97% of look-ups then hit).
WORD_CACHE = 32_768


class Unsupported(ValueError):
    """The fitted objects use an option this module does not reproduce."""


def _check(vectorizer, analyzer: str, ngrams: tuple[int, int]) -> None:
    expected = {"input": "content", "encoding": "utf-8", "decode_error": "strict",
                "strip_accents": None, "lowercase": True, "preprocessor": None,
                "tokenizer": None, "stop_words": None, "analyzer": analyzer,
                "ngram_range": ngrams, "binary": False, "dtype": np.float64, "norm": "l2",
                "use_idf": True, "sublinear_tf": True}
    params = vectorizer.get_params()
    for name, value in expected.items():
        if params.get(name) != value:
            raise Unsupported(f"{analyzer} vectorizer: {name}={params.get(name)!r}")
    if analyzer == "word" and params.get("token_pattern") is None:
        raise Unsupported("word vectorizer without a token pattern")


class NetArithmetic:
    """(flagged, urgent) probabilities of texts from a fitted LearnedNet's parts."""

    def __init__(self, char_vectorizer, word_vectorizer, flagged, urgent) -> None:
        _check(char_vectorizer, "char_wb", (3, 5))
        _check(word_vectorizer, "word", (1, 2))
        for model in (flagged, urgent):
            if model.coef_.shape[0] != 1 or len(model.classes_) != 2:
                raise Unsupported("not a binary logistic regression")
        self._char_vocabulary = char_vectorizer.vocabulary_
        self._word_vocabulary = word_vectorizer.vocabulary_
        self._n_char = len(self._char_vocabulary)
        self._idf = np.concatenate((char_vectorizer.idf_, word_vectorizer.idf_))
        self._white_spaces = char_vectorizer._white_spaces
        self._tokenize = word_vectorizer.build_tokenizer()
        self._coefs = np.ascontiguousarray(np.stack((flagged.coef_[0], urgent.coef_[0]), axis=1),
                                           dtype=np.float64)
        self._intercepts = [m.intercept_ for m in (flagged, urgent)]
        self.char_columns = lru_cache(maxsize=WORD_CACHE)(self._char_columns)

    def _char_columns(self, word: str) -> tuple[int, ...]:
        """Vocabulary columns of the character 3-5-grams of one (lower-cased) word, padded with
        a space each side; a padded word shorter than n gives itself once."""
        vocabulary = self._char_vocabulary
        w = " " + word + " "
        w_len = len(w)
        out = []
        for n in (3, 4, 5):
            offset = 0
            j = vocabulary.get(w[0:n])
            if j is not None:
                out.append(j)
            while offset + n < w_len:
                offset += 1
                j = vocabulary.get(w[offset:offset + n])
                if j is not None:
                    out.append(j)
            if offset == 0:
                break
        return tuple(out)

    def _char_ids(self, lowered: str, out: list[int]) -> None:
        columns = self.char_columns
        for word in self._white_spaces.sub(" ", lowered).split():
            out.extend(columns(word))

    def _word_ids(self, lowered: str, out: list[int]) -> None:
        vocabulary = self._word_vocabulary
        offset = self._n_char  # the union puts the word block after the characters
        tokens = self._tokenize(lowered)
        out.extend(j + offset for t in tokens if (j := vocabulary.get(t)) is not None)
        out.extend(j + offset for a, b in zip(tokens, tokens[1:], strict=False)
                   if (j := vocabulary.get(a + " " + b)) is not None)

    def _tfidf(self, ids: list[int], ends: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF segments as CSR arrays (values, columns, segment starts) from each segment's
        vocabulary columns (``ids[ends[k-1]:ends[k]]``, repeats counted): columns sorted as
        scikit-learn sorts a row's, values as TfidfVectorizer.transform computes them, each
        segment (a block of a row: its characters, its words) scaled on its own."""
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        n = len(ends)
        width = len(self._idf)
        lengths = np.diff(np.asarray(ends, dtype=np.int64), prepend=0)
        keys = np.repeat(np.arange(n, dtype=np.int64) * width, lengths)
        keys += np.asarray(ids, dtype=np.int64)
        # Sorted by segment, then column; each with its count.
        unique, counts = np.unique(keys, return_counts=True)
        segment = unique // width
        cols = (unique - segment * width).astype(np.int32)
        starts = np.searchsorted(segment, np.arange(n + 1)).astype(np.int32)
        data = counts.astype(np.float64)
        np.log(data, data)
        data += 1.0
        data *= self._idf[cols]
        inplace_csr_row_normalize_l2(SimpleNamespace(
            data=data, indices=cols, indptr=starts, shape=(n, width)))
        return data, cols, starts

    def word_row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The word vectorizer's row of one text: (values, columns), as `transform([text])`."""
        ids: list[int] = []
        self._word_ids(text.lower(), ids)
        data, cols, _ = self._tfidf(ids, [len(ids)])
        return data, cols - self._n_char

    def chances(self, texts: Sequence[str]) -> list[tuple[float, float]]:
        from scipy.special import expit

        ids: list[int] = []
        ends: list[int] = []
        for text in texts:
            lowered = text.lower()
            self._char_ids(lowered, ids)
            ends.append(len(ids))
            self._word_ids(lowered, ids)
            ends.append(len(ids))
        data, cols, starts = self._tfidf(ids, ends)
        products = data[:, None] * self._coefs[cols]  # (values, 2): flagged, urgent
        scores = np.zeros((len(texts), 2))
        accumulate = np.add.accumulate
        for i in range(len(texts)):
            a, b = starts[2 * i], starts[2 * i + 2]
            if b > a:
                # Summed one after the other in column order, as scipy's sparse product sums
                # (accumulate is sequential; a plain sum pairs terms and can differ in the
                # last bit).
                scores[i] = accumulate(products[a:b], axis=0)[-1]
        flagged = expit(scores[:, 0] + self._intercepts[0])
        urgent = expit(scores[:, 1] + self._intercepts[1])
        return [(float(f), float(u)) for f, u in zip(flagged, urgent, strict=True)]
