"""Named-entity quality on factRuEval-2016 dev: Natasha's own pipeline vs svodka, side by side.

Both systems read the same documents in one run, and each is scored by exact span match
(start, end, type) against the same gold spans: precision, recall and F1 per type (PER, ORG,
LOC) and micro-averaged over the three.

Text. The text fed to both systems is the `.txt` file read byte-exact (UTF-8, no newline
translation): factRu's span offsets are character offsets into that file. `corus` reads the
file with the platform's default encoding and universal newlines; the script compares that
text with the exact one and counts documents where they differ (none on the shipped data).

Gold. factRu annotates objects (`Person`, `Org`, `Location`, `LocOrg`, `Project`, `Facility`)
made of typed spans (`surname`, `name`, `org_name`, `org_descr`, `loc_name`, `geo_adj`, ...).
They are mapped to PER/ORG/LOC the way Natasha's evaluation (`naeval.ner.adapt.adapt_factru`)
does, so that Natasha's published factRu figures and these are comparable:

- `Person` → PER, one span from its first to its last part (`Юрия Лужкова`);
- `Org` → ORG, one span per `org_name` part (`мэрии Москвы` gives no ORG span: it is
  `org_descr` + `loc_name`; `Банк России` is one `org_name`);
- `Location` and `LocOrg` → LOC, one span per `loc_name` part. `LocOrg` is factRu's type for a
  place named as an actor (`Москва заявила`, `в Италии`): Natasha's tagger and naeval treat it as
  a location, and so does this script;
- `Project` and `Facility` objects, and `geo_adj`/`*_descr` parts, give no span;
- a span nested in an earlier, longer one is dropped (`МИД Грузии` keeps the ORG, not `Грузии`);
- a span whose edges do not fall on razdel token edges is dropped (`Москва` in `Москва-Баку`).

Predictions. Natasha: `Doc` → `segment` → `tag_morph` → `parse_syntax` → `tag_ner`; its spans
are already PER/LOC/ORG. svodka: `Pipeline()(text)`; every mention of kind `name` (or the kinds
given with `--kinds`) of an entity typed PER → PER, ORG → ORG, GPE/LOC/FAC → LOC; EVT is dropped.
Two of svodka's conventions differ from factRu's and are mapped back before scoring:
- a country's government (`правительство Китая`, `британские власти`) is an actor in svodka's
  record, a common noun to factRu: such mentions (headed by a government noun) are not scored;
- svodka's organisation names keep their country (`МИД РФ`, `Конгресса США`) and also give the
  country its own mention; factRu's `org_name` stops before the country: the ORG span is cut
  where a nested country mention starts.

    python benchmarks/ner_factru.py [--data ../shared/ner/factru-dev] [--limit N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run from a checkout, svodka not installed
DEFAULT_DATA = REPO.parent / "shared" / "ner" / "factru-dev"
TYPES = ("PER", "ORG", "LOC")
SYSTEMS = ("natasha", "svodka")

FACTRU_TYPES = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
SVODKA_TYPES = {"PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}

Span = tuple[int, int, str]  # (start, end, type)


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    gold: frozenset[Span]
    misaligned: int  # gold spans dropped for not falling on token edges
    corus_text_differs: bool


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Span], pred: set[Span]) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": p,
            "recall": r,
            "f1": f,
        }


@dataclass(slots=True)
class Score:
    by_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TYPES})
    untyped: Counts = field(default_factory=Counts)  # span edges only, type ignored
    seconds: float = 0.0

    def add(self, gold: frozenset[Span], pred: set[Span]) -> None:
        for t in TYPES:
            self.by_type[t].add(
                {s for s in gold if s[2] == t},
                {s for s in pred if s[2] == t},
            )
        self.untyped.add({(s[0], s[1], "") for s in gold}, {(s[0], s[1], "") for s in pred})

    def micro(self) -> Counts:
        out = Counts()
        for c in self.by_type.values():
            out.tp += c.tp
            out.fp += c.fp
            out.fn += c.fn
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {t: c.scores() for t, c in self.by_type.items()}
        out["micro"] = self.micro().scores()
        out["untyped_micro"] = self.untyped.scores()
        out["seconds"] = self.seconds
        return out


# --- gold ---------------------------------------------------------------------------------


def _drop_nested(spans: list[Span]) -> list[Span]:
    """naeval's `filter_overlapping`: in start order (longest first), drop a span that
    starts inside the last span kept."""
    dropped: set[int] = set()
    last: Span | None = None
    for i, span in sorted(enumerate(spans), key=lambda p: (p[1][0], -p[1][1])):
        if last is not None and last[1] > span[0]:
            dropped.add(i)
            continue
        last = span
    return [s for i, s in enumerate(spans) if i not in dropped]


def gold_spans(objects: Iterable[Any], text: str) -> tuple[frozenset[Span], int]:
    """factRu objects → (PER/ORG/LOC spans, number dropped for token misalignment)."""
    from razdel import tokenize

    spans: list[Span] = []
    for obj in objects:
        type_ = FACTRU_TYPES.get(obj.type)
        if type_ is None or not obj.spans:
            continue
        if obj.type == "Person":
            start = min(s.start for s in obj.spans)
            stop = max(s.stop for s in obj.spans)
            spans.append((start, stop, type_))
            continue
        part = "org_name" if obj.type == "Org" else "loc_name"
        named = [(s.start, s.stop, type_) for s in obj.spans if s.type == part]
        spans.extend(_drop_nested(named))
    spans = _drop_nested(spans)
    tokens = list(tokenize(text))
    starts = {t.start for t in tokens}
    stops = {t.stop for t in tokens}
    aligned = [s for s in spans if s[0] in starts and s[1] in stops]
    return frozenset(aligned), len(set(spans)) - len(set(aligned))


def load_documents(folder: Path, limit: int) -> list[Document]:
    """factRu documents of a flat folder of `book_N.*` files, in id order."""
    from corus.sources.factru import list_ids, load_id

    # corus expects `<dir>/<set>/book_N.*`; a folder holding the files is its own "set".
    root, name = str(folder.parent), folder.name
    ids = sorted(list_ids(root, name), key=int)
    if limit:
        ids = ids[:limit]
    docs = []
    for id_ in ids:
        markup = load_id(id_, root, name)
        # Read exactly: no newline translation, whatever the platform's encoding.
        with (folder / f"book_{id_}.txt").open(encoding="utf-8", newline="") as f:
            exact = f.read()
        gold, misaligned = gold_spans(markup.objects, exact)
        docs.append(Document(id_, exact, gold, misaligned, markup.text != exact))
    return docs


# --- systems ------------------------------------------------------------------------------


class NatashaNER:
    """Natasha's own news pipeline, as its README runs it."""

    def __init__(self) -> None:
        from natasha import (
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            NewsSyntaxParser,
            Segmenter,
        )

        emb = NewsEmbedding()
        self.segmenter = Segmenter()
        self.morph = NewsMorphTagger(emb)
        self.syntax = NewsSyntaxParser(emb)
        self.ner = NewsNERTagger(emb)

    def __call__(self, text: str) -> set[Span]:
        from natasha import Doc

        doc = Doc(text)
        doc.segment(self.segmenter)
        doc.tag_morph(self.morph)
        doc.parse_syntax(self.syntax)
        doc.tag_ner(self.ner)
        return {(s.start, s.stop, s.type) for s in doc.spans if s.type in TYPES}


class SvodkaNER:
    """svodka's `Pipeline`, its entity mentions of the chosen kinds mapped to PER/ORG/LOC."""

    def __init__(self, kinds: frozenset[str]) -> None:
        from svodka.pipeline import Pipeline

        self.nlp = Pipeline()
        self.kinds = kinds
        self.text_changed = 0

    def __call__(self, text: str) -> set[Span]:
        article = self.nlp(text)
        if article.text != text:
            # Offsets would index another string; score nothing rather than garbage.
            self.text_changed += 1
            return set()
        out: set[Span] = set()
        countries = [
            (m.start, m.end) for e in article.entities if e.type == "GPE" for m in e.mentions
        ]
        for entity in article.entities:
            type_ = SVODKA_TYPES.get(entity.type)
            if type_ is None:
                continue
            for m in entity.mentions:
                if m.kind not in self.kinds:
                    continue
                start, end = m.start, m.end
                if type_ == "ORG":
                    if self.government(m.text):
                        continue
                    inner = [s for s, e in countries if start < s and e == end]
                    if inner:
                        end = len(text[: inner[0]].rstrip())
                out.add((start, end, type_))
        return out

    def government(self, mention: str) -> bool:
        from svodka.kb import load_government_nouns
        from svodka.nlp.morph import lemma

        nouns = {key[0] for key in load_government_nouns()}
        return any(lemma(word) in nouns for word in mention.split()[:2])


# --- report -------------------------------------------------------------------------------


@dataclass(slots=True)
class Diff:
    """svodka's misses and false alarms on spans Natasha got right (or did not claim)."""

    lost: list[tuple[str, Span, Span | None]] = field(default_factory=list)
    added: list[tuple[str, Span, Span | None]] = field(default_factory=list)


def compare(doc: Document, natasha: set[Span], svodka: set[Span], diff: Diff) -> None:
    def near(span: Span, pool: Iterable[Span]) -> Span | None:
        hits = [s for s in pool if s[0] < span[1] and span[0] < s[1]]
        return min(hits, key=lambda s: abs(s[0] - span[0]) + abs(s[1] - span[1]), default=None)

    for span in sorted((doc.gold & natasha) - svodka):
        diff.lost.append((doc.id, span, near(span, svodka)))
    for span in sorted(svodka - doc.gold - natasha):
        diff.added.append((doc.id, span, near(span, doc.gold)))


def render_diff(diff: Diff, texts: dict[str, str], n: int) -> Iterator[str]:
    def show(doc_id: str, span: Span | None) -> str:
        if span is None:
            return "-"
        return f"{texts[doc_id][span[0] : span[1]]!r}/{span[2]}"

    yield f"\nsvodka misses of gold spans Natasha found ({len(diff.lost)}; first {n}):"
    yield "  book   gold → svodka's overlapping span"
    for doc_id, span, other in diff.lost[:n]:
        yield f"  {doc_id:>5}  {show(doc_id, span)} → {show(doc_id, other)}"
    yield f"\nsvodka spans neither gold nor Natasha has ({len(diff.added)}; first {n}):"
    yield "  book   svodka → gold's overlapping span"
    for doc_id, span, other in diff.added[:n]:
        yield f"  {doc_id:>5}  {show(doc_id, span)} → {show(doc_id, other)}"


def table(scores: dict[str, Score]) -> Iterator[str]:
    head = "".join(f"{name:^31}" for name in scores)
    yield f"{'':8}{head}"
    cols = "".join(f"{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}   " for _ in scores)
    yield f"{'type':8}{cols}"
    rows = [(t, {n: s.by_type[t] for n, s in scores.items()}) for t in TYPES]
    rows.append(("micro", {n: s.micro() for n, s in scores.items()}))
    rows.append(("untyped", {n: s.untyped for n, s in scores.items()}))
    for label, counts in rows:
        line = f"{label:8}"
        for c in counts.values():
            s = c.scores()
            line += f"{s['precision']:7.3f}{s['recall']:7.3f}{s['f1']:7.3f}{c.tp + c.fp:7d}   "
        yield line.rstrip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="factRu dev folder")
    parser.add_argument("--limit", type=int, default=0, help="first N documents (0: all)")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    parser.add_argument(
        "--kinds", default="name", help="svodka mention kinds to score, comma-separated"
    )
    parser.add_argument(
        "--diff", type=int, default=0, metavar="N", help="print N svodka-vs-Natasha errors"
    )
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"no such folder: {args.data}")

    docs = load_documents(args.data, args.limit)
    kinds = frozenset(k.strip() for k in args.kinds.split(",") if k.strip())
    t0 = time.perf_counter()
    natasha = NatashaNER()
    t1 = time.perf_counter()
    svodka = SvodkaNER(kinds)
    t2 = time.perf_counter()
    load = {"natasha": t1 - t0, "svodka": t2 - t1}

    scores = {name: Score() for name in SYSTEMS}
    diff = Diff()
    for doc in docs:
        preds: dict[str, set[Span]] = {}
        for name, system in (("natasha", natasha), ("svodka", svodka)):
            start = time.perf_counter()
            preds[name] = system(doc.text)
            scores[name].seconds += time.perf_counter() - start
            scores[name].add(doc.gold, preds[name])
        compare(doc, preds["natasha"], preds["svodka"], diff)

    gold = Counter(s[2] for d in docs for s in d.gold)
    chars = sum(len(d.text) for d in docs)
    print(
        f"factRuEval-2016 dev ({args.data}): {len(docs)} documents, {chars:,} characters; "
        f"gold spans " + ", ".join(f"{t} {gold[t]}" for t in TYPES)
    )
    misaligned = sum(d.misaligned for d in docs)
    differs = sum(d.corus_text_differs for d in docs)
    print(
        f"gold spans dropped for token misalignment: {misaligned}; "
        f"documents where corus' text differs from the file: {differs}; "
        f"svodka texts changed by the pipeline (unscored): {svodka.text_changed}"
    )
    print(f"exact-span match (start, end, type); svodka kinds: {','.join(sorted(kinds))}\n")
    for line in table(scores):
        print(line)
    print()
    for name in SYSTEMS:
        rate = len(docs) / scores[name].seconds if scores[name].seconds else 0.0
        print(
            f"{name:8} load {load[name]:5.1f} s, run {scores[name].seconds:6.1f} s "
            f"({rate:.1f} docs/s)"
        )
    if args.diff:
        texts = {d.id: d.text for d in docs}
        for line in render_diff(diff, texts, args.diff):
            print(line)

    if args.json:
        result = {
            "benchmark": "ner_factru",
            "data": str(args.data),
            "documents": len(docs),
            "characters": chars,
            "gold": {t: gold[t] for t in TYPES},
            "gold_dropped_misaligned": misaligned,
            "corus_text_differs": differs,
            "svodka_text_changed": svodka.text_changed,
            "svodka_kinds": sorted(kinds),
            "match": "exact (start, end, type)",
            "load_seconds": load,
            "systems": {name: s.to_dict() for name, s in scores.items()},
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
