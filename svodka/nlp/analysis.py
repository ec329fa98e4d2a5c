"""Natasha's layers for one text: sentences, tokens with morphology and syntax, NER spans."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from natasha import (
    Doc,
    NewsEmbedding,
    NewsMorphTagger,
    NewsNERTagger,
    NewsSyntaxParser,
    Segmenter,
)
from natasha.doc import DocSent, DocToken


@dataclass(frozen=True, slots=True)
class Token:
    index: int  # position in the document's token list
    start: int
    end: int
    text: str
    pos: str
    feats: dict[str, str]
    sent: int
    head: int | None  # document-level index of the syntactic head, None for the root
    rel: str


@dataclass(frozen=True, slots=True)
class NerSpan:
    type: str
    start: int
    end: int
    text: str
    normal: str


@dataclass(frozen=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[tuple[int, int], ...]  # (first token index, end token index)
    ner: tuple[NerSpan, ...]
    children: tuple[tuple[int, ...], ...] = ()  # syntactic dependents of each token

    def subtree(self, index: int) -> list[int]:
        """The token and everything that depends on it, in text order."""
        seen, stack = {index}, [index]
        while stack:
            for child in self.children[stack.pop()]:
                if child not in seen:  # a parser's cycle must not hang us
                    seen.add(child)
                    stack.append(child)
        return sorted(seen)

    def child(self, index: int, *rels: str) -> int | None:
        """The first dependent of a token with one of these relations."""
        return next((c for c in self.children[index] if self.tokens[c].rel in rels), None)

    def sentence_of(self, index: int) -> range:
        first, end = self.sentences[self.tokens[index].sent]
        return range(first, end)

    def token_at(self, offset: int) -> int | None:
        """Index of the token that covers a character offset."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.tokens[i].start <= offset < self.tokens[i].end:
            return i
        return None

    @cached_property
    def _starts(self) -> list[int]:
        return [t.start for t in self.tokens]

    def token_range(self, start: int, end: int) -> range:
        """Indices of the tokens lying inside the character span [start, end)."""
        first = bisect.bisect_left(self._starts, start)
        last = first
        while last < len(self.tokens) and self.tokens[last].end <= end:
            last += 1
        return range(first, last)


class Analyzer:
    """Natasha's models, loaded once; call it on a text to get its `Analysis`."""

    def __init__(self) -> None:
        from svodka.nlp.morph import vocab

        emb = NewsEmbedding()
        self.segmenter = Segmenter()
        self.morph = NewsMorphTagger(emb)
        self.syntax = NewsSyntaxParser(emb)
        self.ner = NewsNERTagger(emb)
        self.vocab = vocab()

    def __call__(self, text: str) -> Analysis:
        doc = Doc(text)
        _segment(doc, self.segmenter)
        doc.tag_morph(self.morph)
        doc.parse_syntax(self.syntax)
        doc.tag_ner(self.ner)
        tokens: list[Token] = []
        sentences: list[tuple[int, int]] = []
        for s_index, sent in enumerate(doc.sents):
            first = len(tokens)
            local = {tok.id: first + i for i, tok in enumerate(sent.tokens)}
            for i, tok in enumerate(sent.tokens):
                tokens.append(
                    Token(
                        index=first + i,
                        start=tok.start,
                        end=tok.stop,
                        text=tok.text,
                        pos=tok.pos or "X",
                        feats=dict(tok.feats or {}),
                        sent=s_index,
                        head=local.get(tok.head_id),
                        rel=tok.rel or "",
                    )
                )
            sentences.append((first, len(tokens)))
        spans = []
        for span in doc.spans:
            span.normalize(self.vocab)
            spans.append(NerSpan(span.type, span.start, span.stop, span.text, span.normal or ""))
        children: list[list[int]] = [[] for _ in tokens]
        for tok in tokens:
            if tok.head is not None and tok.head != tok.index:
                children[tok.head].append(tok.index)
        return Analysis(
            text, tuple(tokens), tuple(sentences), tuple(spans), tuple(map(tuple, children))
        )


def _segment(doc: Doc, segmenter: Segmenter) -> None:
    """Natasha's segmentation, but a line break always ends a sentence: headlines, captions
    and list items carry no final stop."""
    doc.tokens = [DocToken(t.start, t.stop, t.text) for t in segmenter.tokenize(doc.text)]
    sents = []
    for line in re.finditer(r"[^\n]+", doc.text):
        for sent in segmenter.sentenize(line.group()):
            if not sent.text.strip():
                continue  # a blank line has no tokens, and the taggers fail on an empty batch
            start = line.start() + sent.start
            sents.append(DocSent(start, start + len(sent.text), sent.text))
    doc.sents = sents
    doc.envelop_sent_tokens()
