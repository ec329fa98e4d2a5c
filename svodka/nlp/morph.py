"""Lemmas and inflection from pymorphy (through Natasha's `MorphVocab`, which runs on 3.11)."""

from __future__ import annotations

from functools import cache, lru_cache

from natasha import MorphVocab
from razdel import tokenize


@cache
def vocab() -> MorphVocab:
    """One morphological dictionary per process (loading it takes about a second)."""
    return MorphVocab()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Most likely lemma of a word form, lower case, `ё` folded to `е`."""
    low = word.lower().replace("ё", "е")
    if not any(ch.isalpha() for ch in low):
        return low
    return vocab().parse(low)[0].normal_form.replace("ё", "е")


def lemma_key(phrase: str) -> tuple[str, ...]:
    """The lemma sequence a name form is matched by: `Корейской Республики` → (корейский, республика)."""
    return tuple(lemma(t.text) for t in tokenize(phrase) if t.text not in {"«", "»", '"'})


def same_name_part(a: str, b: str) -> bool:
    """Whether two name tokens are forms of one name part (`Грефа`~`Греф`, `Ыном`~`Ын`)."""
    a, b = a.lower().replace("ё", "е"), b.lower().replace("ё", "е")
    if a == b or lemma(a) == lemma(b):
        return True
    short, long_ = sorted((a, b), key=len)
    # Foreign names pymorphy does not know inflect by plain case endings.
    return len(short) >= 2 and long_.startswith(short) and len(long_) - len(short) <= 3
