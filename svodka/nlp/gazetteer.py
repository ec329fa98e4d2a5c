"""Find the knowledge base's names in a text by lemma sequences, longest match first."""

from __future__ import annotations

from dataclasses import dataclass

from svodka.kb import KBEntry, KnowledgeBase
from svodka.nlp.analysis import Analysis, Token
from svodka.nlp.morph import lemma, lemma_key

_QUOTES = frozenset("«»\"„“”'")


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    entry: KBEntry
    kind: str  # "name" or "adjective"
    first: int  # token indices [first, last]
    last: int


class Gazetteer:
    """Every name form and country adjective of the KB, indexed by lemma sequence."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.names: dict[tuple[str, ...], KBEntry] = {}
        self.lower_initial: set[tuple[str, ...]] = set()
        self.adjectives: dict[str, KBEntry] = {}
        # Earlier tables win a shared name: a country over its namesake city.
        for entry in kb.entries:
            for form in entry.names:
                key = lemma_key(form)
                if key and key not in self.names:
                    self.names[key] = entry
                    if form[:1].islower():
                        self.lower_initial.add(key)
            for adjective in entry.adjectives:
                self.adjectives.setdefault(lemma(adjective), entry)
        self.longest = max((len(k) for k in self.names), default=0)

    def find(self, analysis: Analysis) -> list[Match]:
        """Non-overlapping name matches and country adjectives in the text."""
        tokens = [t for t in analysis.tokens if t.text not in _QUOTES]
        lemmas = [lemma(t.text) for t in tokens]
        out: list[Match] = []
        i = 0
        while i < len(tokens):
            matched = self._match_at(tokens, lemmas, i, analysis)
            if matched is not None:
                out.append(matched[0])
                if matched[1] > 1:
                    out.extend(self._nested(tokens, lemmas, i, i + matched[1], analysis))
                i += matched[1]
                continue
            tok = tokens[i]
            entry = self.adjectives.get(lemmas[i]) if tok.pos == "ADJ" else None
            if entry is not None:
                out.append(Match(tok.start, tok.end, entry, "adjective", tok.index, tok.index))
            i += 1
        return out

    def _nested(
        self, tokens: list[Token], lemmas: list[str], first: int, end: int, analysis: Analysis
    ) -> list[Match]:
        """Countries inside a longer name (`РФ` in `Минобороны РФ`) are mentions too."""
        out = []
        for j in range(first + 1, end):
            entry = self.names.get((lemmas[j],))
            tok = tokens[j]
            if entry is not None and entry.type == "GPE" and tok.text[:1].isupper():
                out.append(Match(tok.start, tok.end, entry, "name", tok.index, tok.index))
            elif tok.pos == "ADJ" and lemmas[j] in self.adjectives:
                entry = self.adjectives[lemmas[j]]
                out.append(Match(tok.start, tok.end, entry, "adjective", tok.index, tok.index))
        return out

    def _match_at(
        self, tokens: list[Token], lemmas: list[str], i: int, analysis: Analysis
    ) -> tuple[Match, int] | None:
        for size in range(min(self.longest, len(tokens) - i), 0, -1):
            key = tuple(lemmas[i : i + size])
            entry = self.names.get(key)
            if entry is None:
                continue
            first, last = tokens[i], tokens[i + size - 1]
            if first.sent != last.sent or not self._cased(first, key, analysis):
                continue
            all_tokens = analysis.tokens
            if entry.type == "GPE" and _enclosed(all_tokens, first.index, last.index):
                continue  # a title in quotes: the shuttle `"Колумбия"`, the paper `"Россия"`
            after = all_tokens[first.index + 1] if size > 1 else None
            if after is not None and after.text in _QUOTES and first.text[:1].islower():
                # `резиденции «Дяоюйтай»`: a descriptor before a quoted name is not the name.
                first = all_tokens[first.index + 2]
            elif any(all_tokens[j].text in _QUOTES for j in range(first.index, last.index)):
                # `РИА "Новости"`: a name quoted inside keeps its closing mark.
                nxt = last.index + 1
                if nxt < len(all_tokens) and all_tokens[nxt].text in _QUOTES:
                    last = all_tokens[nxt]
            return Match(first.start, last.end, entry, "name", first.index, last.index), size
        return None

    def _cased(self, token: Token, key: tuple[str, ...], analysis: Analysis) -> bool:
        # Names are capitalised in Russian; a lower-case KB form (`площадь Тяньаньмэнь`)
        # may also start a sentence.
        if token.text[:1].isupper():
            return key in self.lower_initial or _not_sentence_start_word(token, analysis)
        return key in self.lower_initial


def _enclosed(tokens: tuple[Token, ...], first: int, last: int) -> bool:
    return (
        first > 0
        and last + 1 < len(tokens)
        and tokens[first - 1].text in _QUOTES
        and tokens[last + 1].text in _QUOTES
    )


def _not_sentence_start_word(token: Token, analysis: Analysis) -> bool:
    """A capitalised word is a name unless it is a common word capitalised by position."""
    first_of_sentence = analysis.sentences[token.sent][0] == token.index
    return not first_of_sentence or token.pos in {"PROPN", "NOUN", "ADJ", "X"}
