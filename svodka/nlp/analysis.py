"""Natasha's layers for one text: sentences, tokens with morphology and syntax, NER spans."""

from __future__ import annotations

from dataclasses import dataclass

from natasha import (
    Doc,
    NewsEmbedding,
    NewsMorphTagger,
    NewsNERTagger,
    NewsSyntaxParser,
    Segmenter,
)


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


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[tuple[int, int], ...]  # (first token index, end token index)
    ner: tuple[NerSpan, ...]

    def token_range(self, start: int, end: int) -> range:
        """Indices of the tokens lying inside the character span [start, end)."""
        idx = [t.index for t in self.tokens if t.start >= start and t.end <= end]
        return range(idx[0], idx[-1] + 1) if idx else range(0)


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
        doc.segment(self.segmenter)
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
        return Analysis(text, tuple(tokens), tuple(sentences), tuple(spans))
