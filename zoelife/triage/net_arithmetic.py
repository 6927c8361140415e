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

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

# Distinct words whose character n-gram columns are kept (a few MB at most).
WORD_CACHE = 65_536


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
        self._char_idf = char_vectorizer.idf_
        self._word_idf = word_vectorizer.idf_
        self._n_char = len(self._char_vocabulary)
        self._white_spaces = char_vectorizer._white_spaces
        self._tokenize = word_vectorizer.build_tokenizer()
        self._coefs = [np.ascontiguousarray(m.coef_[0], dtype=np.float64)
                       for m in (flagged, urgent)]
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

    def _char_counts(self, lowered: str) -> Counter:
        columns = self.char_columns
        found: list[int] = []
        for word in self._white_spaces.sub(" ", lowered).split():
            found.extend(columns(word))
        return Counter(found)

    def _word_counts(self, lowered: str) -> Counter:
        vocabulary = self._word_vocabulary
        tokens = self._tokenize(lowered)
        found = [j for t in tokens if (j := vocabulary.get(t)) is not None]
        found += [j for a, b in zip(tokens, tokens[1:], strict=False)
                  if (j := vocabulary.get(a + " " + b)) is not None]
        return Counter(found)

    @staticmethod
    def _tfidf(rows: list[Counter], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The block's TF-IDF rows as CSR arrays (data, columns, row starts), as scikit-learn's
        TfidfVectorizer.transform computes them for the same batch."""
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        columns: list[int] = []
        counts: list[int] = []
        indptr = [0]
        for row in rows:
            for j in sorted(row):  # scikit-learn sorts each row's columns
                columns.append(j)
                counts.append(row[j])
            indptr.append(len(columns))
        cols = np.asarray(columns, dtype=np.int32)
        data = np.asarray(counts, dtype=np.float64)
        np.log(data, data)
        data += 1.0
        data *= idf[cols]
        starts = np.asarray(indptr, dtype=np.int32)
        inplace_csr_row_normalize_l2(SimpleNamespace(
            data=data, indices=cols, indptr=starts, shape=(len(rows), len(idf))))
        return data, cols, starts

    def word_row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The word vectorizer's row of one text: (values, columns), as `transform([text])`."""
        data, cols, _ = self._tfidf([self._word_counts(text.lower())], self._word_idf)
        return data, cols

    def chances(self, texts: Sequence[str]) -> list[tuple[float, float]]:
        from scipy.special import expit

        lowered = [t.lower() for t in texts]
        c_data, c_cols, c_starts = self._tfidf([self._char_counts(t) for t in lowered],
                                               self._char_idf)
        w_data, w_cols, w_starts = self._tfidf([self._word_counts(t) for t in lowered],
                                               self._word_idf)
        w_cols = w_cols + self._n_char  # the union puts the word block after the characters
        zero = np.zeros(1)
        scores = np.empty((len(texts), 2))
        for i in range(len(texts)):
            a, b = c_starts[i], c_starts[i + 1]
            c, d = w_starts[i], w_starts[i + 1]
            values = np.concatenate((zero, c_data[a:b], w_data[c:d]))
            cols = np.concatenate((c_cols[a:b], w_cols[c:d]))
            for k, coef in enumerate(self._coefs):
                products = values.copy()
                products[1:] *= coef[cols]
                # Summed one after the other from 0.0 (accumulate is sequential; a plain sum
                # pairs terms and can differ in the last bit).
                scores[i, k] = np.add.accumulate(products)[-1]
        flagged = expit(scores[:, 0] + self._intercepts[0])
        urgent = expit(scores[:, 1] + self._intercepts[1])
        return [(float(f), float(u)) for f, u in zip(flagged, urgent, strict=True)]
