"""simplemma's word lists, read in place from their compressed streams (its `low_memory`
backend) instead of unpacked into a dict of bytes per language.

Unpacked, a list costs a process 20 MB (English) to 157 MB (Russian) — Spanish, read for every
message, 97 MB — and each process of an import (the importer and its worker) unpacked its own
copy of every language its messages brought up. Read in place, a list is its compressed
stream's decoded bytes and a sparse index, about 12 MB for English and Spanish together. The
same lists give the same answers (the golden assessments are unchanged); a look-up costs more
(a bisect and up to 32 records decoded), which the triage's per-word caches pay once per
distinct word.

The triage modules call these as `simplemma.is_known` / `simplemma.lemmatize`.
"""

from __future__ import annotations

import simplemma


def is_known(token: str, lang: str | tuple[str, ...]) -> bool:
    return simplemma.is_known(token, lang=lang, low_memory=True)


def lemmatize(token: str, lang: str | tuple[str, ...]) -> str:
    return simplemma.lemmatize(token, lang=lang, low_memory=True)
