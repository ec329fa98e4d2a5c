"""`svodka eval`: score the pipeline against hand-annotated gold articles (`svodka/gold@1`).

Scoring follows SPEC.md, "Gold data and scoring". Gold and system are both plain dicts in the
`svodka/article@1` shape (the system side is `Article.to_dict()`), so `score` needs no NLP and
is tested with hand-made dicts. Counts are summed over files (micro-average).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from svodka.errors import InputError, SvodkaError, UsageError
from svodka.records import Article

GOLD_SCHEMA = "svodka/gold@1"
REPORT_SCHEMA = "svodka/eval@1"

# Gold mention kinds behind each per-kind layer; a system mention is binned by its own kind.
MENTION_KINDS = {
    "mentions.name": ("name",),
    "mentions.role": ("role",),
    "mentions.pronoun": ("pronoun",),
    "mentions.adjective+metonym": ("adjective", "metonym"),
}
LAYERS = (
    "mentions",
    *MENTION_KINDS,
    "quotes.span",
    "quotes",
    "events",
    "events.untyped",
    "timexes",
)
ATTRIBUTES = ("date", "location", "intent", "duration")
# Participants of these may be reported either way round ("A met B" = "B met A").
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# A gold file's `layers` may name record fields ("entities") as well as reported layers.
_GROUP_ALIASES = {"entities": "mentions"}

T = TypeVar("T")
U = TypeVar("U")
Item = dict[str, Any]


class GoldError(InputError):
    """A gold file cannot be read or does not fit `svodka/gold@1`."""


# ---------------------------------------------------------------------------------------- counts


@dataclass(frozen=True, slots=True)
class Counts:
    """Matching counts of one layer.

    `tp` counts gold items found and `tp_sys` system items judged correct. They are equal
    for one-to-one layers and differ only for mentions, where several system mentions may
    hit one gold mention; precision uses `tp_sys`, recall `tp`.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tp_sys: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tp_sys + other.tp_sys
        )

    @property
    def precision(self) -> float:
        # An empty denominator scores 1 only when the layer is empty on both sides (nothing
        # to find, nothing claimed); otherwise 0, as sklearn's zero_division=0.
        value = _ratio(self.tp_sys, self.tp_sys + self.fp)
        return float(self.fn == 0) if value is None else value

    @property
    def recall(self) -> float:
        value = _ratio(self.tp, self.tp + self.fn)
        return float(self.fp == 0) if value is None else value

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tp_sys": self.tp_sys,
        }


@dataclass(frozen=True, slots=True)
class Accuracy:
    """How many matched events got an attribute right; `value` is None with nothing matched."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float | None:
        return _ratio(self.correct, self.total)

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        return {
            "accuracy": None if value is None else round(value, 4),
            "correct": self.correct,
            "total": self.total,
        }


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


# ------------------------------------------------------------------------------------------ gold


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One gold article. `layers` holds the reported layers scored for it."""

    id: str
    text: str
    published: str | None
    layers: frozenset[str]
    entities: tuple[Item, ...]
    quotes: tuple[Item, ...]
    events: tuple[Item, ...]
    timexes: tuple[Item, ...]


def load_gold(path: str | Path) -> GoldDoc:
    """Read and check one gold file; any problem is a one-line `GoldError`."""
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read gold file ({exc})") from None
    return gold_from_dict(data, where=str(path), default_id=path.stem)


def load_gold_dir(gold_dir: str | Path) -> list[GoldDoc]:
    """Every `*.json` gold file in a folder, by name; a missing or empty folder is a usage error."""
    folder = Path(gold_dir)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise UsageError(f"{folder}: no gold files (*.json)")
    return [load_gold(p) for p in paths]


def gold_from_dict(data: Any, where: str = "<gold>", default_id: str = "gold") -> GoldDoc:
    """Check a parsed gold object and wrap it. Spans must quote the text and every entity id
    referenced must exist, so that annotation slips fail loudly instead of skewing scores."""
    try:
        return _gold_from_dict(data, default_id)
    except GoldError as exc:
        raise GoldError(f"{where}: {exc}") from None
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise GoldError(f"{where}: malformed gold ({type(exc).__name__}: {exc})") from None


def _gold_from_dict(data: Any, default_id: str) -> GoldDoc:
    if not isinstance(data, dict):
        raise GoldError("not a JSON object")
    if data.get("schema") != GOLD_SCHEMA:
        raise GoldError(f"schema is {data.get('schema')!r}, expected {GOLD_SCHEMA!r}")
    text = data["text"]
    if not isinstance(text, str) or not text:
        raise GoldError("`text` must be a non-empty string")
    entities = tuple(data.get("entities") or ())
    quotes = tuple(data.get("quotes") or ())
    events = tuple(data.get("events") or ())
    timexes = tuple(data.get("timexes") or ())

    ids = [e["id"] for e in entities]
    if len(ids) != len(set(ids)):
        raise GoldError("duplicate entity ids")
    spans = [m for e in entities for m in e["mentions"]]
    spans += [*quotes, *(ev["trigger"] for ev in events), *timexes]
    for span in spans:
        start, end = span["start"], span["end"]
        if (
            not 0 <= start <= end <= len(text)
            or span.get("text", text[start:end]) != text[start:end]
        ):
            raise GoldError(f"span {start}:{end} {span.get('text')!r} does not match the text")
    refs = [q["speaker"] for q in quotes]
    for ev in events:
        refs += [*ev["source"], *ev["target"], *_as_ids(ev.get("location"))]
    missing = sorted({r for r in refs if r is not None} - set(ids))
    if missing:
        raise GoldError(f"unknown entity ids {missing}")

    listed = data.get("layers")
    if listed is None:
        layers = frozenset(LAYERS)
    else:
        names = {_GROUP_ALIASES.get(name, name) for name in listed}
        unknown = sorted(names - {layer.split(".")[0] for layer in LAYERS} - set(LAYERS))
        if unknown:
            raise GoldError(f"unknown layers {unknown}")
        layers = frozenset(lay for lay in LAYERS if lay in names or lay.split(".")[0] in names)
    return GoldDoc(
        id=str(data.get("id") or default_id),
        text=text,
        published=data.get("published"),
        layers=layers,
        entities=entities,
        quotes=quotes,
        events=events,
        timexes=timexes,
    )


def _as_ids(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


# --------------------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class DocScores:
    """Scores of one file: counts per scored layer, event-attribute accuracy, entity mapping."""

    id: str
    layers: dict[str, Counts]
    accuracy: dict[str, Accuracy]
    entity_map: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "layers": {name: c.to_dict() for name, c in self.layers.items()},
            "accuracy": {name: a.to_dict() for name, a in self.accuracy.items()},
            "entity_map": dict(self.entity_map),
        }


def score(gold: GoldDoc, system: dict[str, Any]) -> DocScores:
    """Score one system record (an `Article.to_dict()`-shaped dict) against its gold."""
    sys_entities = list(system.get("entities") or ())
    mapping = map_entities(gold.entities, sys_entities)
    layers = _score_mentions(gold.entities, sys_entities, mapping)
    layers.update(_score_quotes(gold.quotes, system.get("quotes") or (), mapping))
    events, accuracy = _score_events(gold.events, system.get("events") or (), mapping)
    layers.update(events)
    layers["timexes"] = _score_timexes(gold.timexes, system.get("timexes") or ())
    return DocScores(
        id=gold.id,
        layers={name: layers[name] for name in LAYERS if name in gold.layers},
        accuracy=accuracy if "events" in gold.layers else {},
        entity_map=mapping,
    )


def map_entities(gold: Sequence[Item], system: Sequence[Item]) -> dict[str, str]:
    """System entity id -> gold entity id, for the system entities that map to one.

    The gold entity with most system mentions overlapping its mentions wins (ties: the closer
    spans, then the same name, then the earlier gold entity; nested gold mentions such as
    `Москвы` inside `Замоскворецкий суд Москвы` make ties common). A system entity with no
    overlap maps by canonical name, case- and ё-insensitively. Several system entities may
    map to one gold entity: a split entity still finds the mentions of each part.
    """
    by_name: dict[str, str] = {}
    for g in gold:
        by_name.setdefault(_norm(g["name"]), g["id"])
    mapping: dict[str, str] = {}
    for s in system:
        best: tuple[int, float, bool, int] | None = None
        for index, g in enumerate(gold):
            hits, closeness = 0, 0.0
            for m in s.get("mentions") or ():
                ious = [_iou(m, gm) for gm in g["mentions"] if _overlaps(m, gm)]
                if ious:
                    hits += 1
                    closeness += max(ious)
            key = (hits, closeness, _norm(s.get("name") or "") == _norm(g["name"]), -index)
            if hits and (best is None or key > best):
                best = key
                mapping[s["id"]] = g["id"]
        if best is None and (gold_id := by_name.get(_norm(s.get("name") or ""))) is not None:
            mapping[s["id"]] = gold_id
    return mapping


def _score_mentions(
    gold: Sequence[Item], system: Sequence[Item], mapping: dict[str, str]
) -> dict[str, Counts]:
    """Recall over every gold mention; precision over system mentions of mapped entities only.

    System mentions of entities that map to no gold entity are not false positives: gold
    annotates only the actors that speak, act or are acted on, so such an entity may be right.
    """
    tally = {name: [0, 0, 0, 0] for name in ("mentions", *MENTION_KINDS)}  # tp, fp, fn, tp_sys
    gold_mentions = {g["id"]: g["mentions"] for g in gold}
    found: set[tuple[str, int]] = set()
    for s in system:
        gold_id = mapping.get(s["id"])
        if gold_id is None:
            continue
        for m in s.get("mentions") or ():
            hits = [i for i, gm in enumerate(gold_mentions[gold_id]) if _overlaps(m, gm)]
            found.update((gold_id, i) for i in hits)
            # A hit counts under the gold kind it found (a name span that covers a gold role
            # mention found a role), so per-kind P and R describe the same gold mentions; a
            # miss counts under the kind the system claimed.
            kinds = {gold_mentions[gold_id][i].get("kind") for i in hits} or {m.get("kind")}
            for name in {lay for kind in kinds for lay in _mention_layers(kind)}:
                tally[name][3 if hits else 1] += 1
    for g in gold:
        for i, gm in enumerate(g["mentions"]):
            for name in _mention_layers(gm.get("kind")):
                tally[name][0 if (g["id"], i) in found else 2] += 1
    return {name: Counts(*counts) for name, counts in tally.items()}


def _mention_layers(kind: str | None) -> list[str]:
    return ["mentions", *(name for name, kinds in MENTION_KINDS.items() if kind in kinds)]


def _score_quotes(
    gold: Sequence[Item], system: Sequence[Item], mapping: dict[str, str]
) -> dict[str, Counts]:
    def span_ok(g: Item, s: Item) -> bool:
        return _half_overlap(g, s)

    def speaker_ok(g: Item, s: Item) -> bool:
        # A null gold speaker accepts a null or unmapped system speaker: gold says nobody can
        # be resolved, and an entity outside gold is no claim about a gold actor.
        return _half_overlap(g, s) and g.get("speaker") == mapping.get(s.get("speaker") or "")

    def rank(g: Item, s: Item) -> tuple[float, ...]:
        return (-_iou(g, s),)

    return {
        "quotes.span": _counts(gold, system, _match(gold, system, span_ok, rank)),
        "quotes": _counts(gold, system, _match(gold, system, speaker_ok, rank)),
    }


def _score_events(
    gold: Sequence[Item], system: Sequence[Item], mapping: dict[str, str]
) -> tuple[dict[str, Counts], dict[str, Accuracy]]:
    def rank(g: Item, s: Item) -> tuple[float, ...]:
        # Among events that fit, prefer the one reported at the same place in the text.
        gt, st = g["trigger"], s["trigger"]
        return (0 if _overlaps(gt, st) else 1, abs(gt["start"] - st["start"]))

    def typed(g: Item, s: Item) -> bool:
        return g["type"] == s.get("type") and _participants_fit(g, s, mapping)

    def untyped(g: Item, s: Item) -> bool:
        return _participants_fit(g, s, mapping)

    pairs = _match(gold, system, typed, rank)
    accuracy = {name: Accuracy() for name in ATTRIBUTES}
    for gi, si in pairs:
        g, s = gold[gi], system[si]
        location = _as_ids(s.get("location"))
        right = {
            "date": g.get("date") == s.get("date"),
            # Gold may list several places (residence, city); naming any of them is right.
            "location": (
                any(mapping.get(x) in _as_ids(g.get("location")) for x in location)
                if g.get("location")
                else not location
            ),
            "intent": bool(g.get("intent")) == bool(s.get("intent")),
            "duration": g.get("duration") == s.get("duration"),
        }
        for name, ok in right.items():
            accuracy[name] += Accuracy(int(ok), 1)
    layers = {
        "events": _counts(gold, system, pairs),
        "events.untyped": _counts(gold, system, _match(gold, system, untyped, rank)),
    }
    return layers, accuracy


def _participants_fit(g: Item, s: Item, mapping: dict[str, str]) -> bool:
    gold_src, gold_tgt = set(g["source"]), set(g["target"])
    if not gold_src and not gold_tgt:
        return _overlaps(g["trigger"], s["trigger"])
    src = {mapping[x] for x in s.get("source") or () if x in mapping}
    tgt = {mapping[x] for x in s.get("target") or () if x in mapping}

    def fits(a: set[str], b: set[str]) -> bool:
        # Only the sides gold names constrain the match.
        return (not gold_src or bool(gold_src & a)) and (not gold_tgt or bool(gold_tgt & b))

    return fits(src, tgt) or (g["type"] in SYMMETRIC and fits(tgt, src))


def _score_timexes(gold: Sequence[Item], system: Sequence[Item]) -> Counts:
    def ok(g: Item, s: Item) -> bool:
        return _overlaps(g, s) and g["value"] == s.get("value")

    def rank(g: Item, s: Item) -> tuple[float, ...]:
        return (-_iou(g, s),)

    return _counts(gold, system, _match(gold, system, ok, rank))


def _counts(gold: Sequence[Any], system: Sequence[Any], pairs: list[tuple[int, int]]) -> Counts:
    n = len(pairs)
    return Counts(tp=n, fp=len(system) - n, fn=len(gold) - n, tp_sys=n)


def _match(
    gold: Sequence[T],
    system: Sequence[U],
    ok: Callable[[T, U], bool],
    rank: Callable[[T, U], tuple[float, ...]],
) -> list[tuple[int, int]]:
    """One-to-one (gold index, system index) pairs among those `ok` accepts.

    Greedy on `rank` (best first), then augmenting paths, so that an early greedy choice
    never costs a pair that another assignment would keep: the result is a maximum matching.
    """
    cands = {
        gi: sorted(
            (si for si, s in enumerate(system) if ok(g, s)), key=lambda si: rank(g, system[si])
        )
        for gi, g in enumerate(gold)
    }
    owner: dict[int, int] = {}  # system index -> gold index
    taken: set[int] = set()
    pairs = sorted((rank(gold[g], system[s]), g, s) for g in cands for s in cands[g])
    for _, gi, si in pairs:
        if gi not in taken and si not in owner:
            owner[si] = gi
            taken.add(gi)

    def augment(gi: int, seen: set[int]) -> bool:
        for si in cands[gi]:
            if si not in seen:
                seen.add(si)
                if si not in owner or augment(owner[si], seen):
                    owner[si] = gi
                    return True
        return False

    for gi in cands:
        if gi not in taken and augment(gi, set()):
            taken.add(gi)
    return sorted((gi, si) for si, gi in owner.items())


def _overlaps(a: Item, b: Item) -> bool:
    return max(a["start"], b["start"]) < min(a["end"], b["end"])


def _overlap(a: Item, b: Item) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def _iou(a: Item, b: Item) -> float:
    inter = _overlap(a, b)
    union = max(a["end"], b["end"]) - min(a["start"], b["start"])
    return inter / union if union else 0.0


def _half_overlap(a: Item, b: Item) -> bool:
    inter = _overlap(a, b)
    return inter > 0 and 2 * inter >= a["end"] - a["start"] and 2 * inter >= b["end"] - b["start"]


def _norm(name: str) -> str:
    return " ".join(name.casefold().replace("ё", "е").split())


# ---------------------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class Report:
    """Scores of a gold folder: per-file scores and their micro-averaged totals."""

    files: tuple[DocScores, ...]

    @property
    def layers(self) -> dict[str, Counts]:
        """Counts per layer summed over the files that score it, in `LAYERS` order."""
        return {
            name: sum((f.layers[name] for f in self.files if name in f.layers), Counts())
            for name in LAYERS
            if any(name in f.layers for f in self.files)
        }

    @property
    def accuracy(self) -> dict[str, Accuracy]:
        scored = [f.accuracy for f in self.files if f.accuracy]
        return (
            {name: sum((a[name] for a in scored), Accuracy()) for name in ATTRIBUTES}
            if scored
            else {}
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": REPORT_SCHEMA,
            "file_count": len(self.files),
            "layers": {name: c.to_dict() for name, c in self.layers.items()},
            "accuracy": {name: a.to_dict() for name, a in self.accuracy.items()},
            "files": [f.to_dict() for f in self.files],
        }

    def format_table(self) -> str:
        """Plain aligned text: one row per layer, event-attribute accuracy, the file count."""
        rows = [("layer", "P", "R", "F1", "tp", "fp", "fn")]
        for name, c in self.layers.items():
            rows.append(
                (
                    name,
                    f"{c.precision:.3f}",
                    f"{c.recall:.3f}",
                    f"{c.f1:.3f}",
                    str(c.tp),
                    str(c.fp),
                    str(c.fn),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        if any(c.tp != c.tp_sys for c in self.layers.values()):
            # Otherwise P could not be worked out from the row.
            lines.append("(mentions: tp = gold mentions found; P counts system mentions, tp_sys)")
        accuracy = self.accuracy
        if accuracy:
            matched = accuracy[ATTRIBUTES[0]].total
            lines += ["", f"event attributes over {matched} matched events"]
            for name, a in accuracy.items():
                value = "-" if a.value is None else f"{a.value:.3f}"
                lines.append(f"  {name.ljust(widths[0] - 2)}  {value}  ({a.correct}/{a.total})")
        lines += ["", f"files: {len(self.files)}"]
        return "\n".join(line.rstrip() for line in lines)


def run_gold(docs: Iterable[GoldDoc], pipeline: Callable[..., Article]) -> Report:
    """Run `pipeline` on each gold text (with its id and reference date) and score it."""
    scores = []
    for doc in docs:
        article = pipeline(doc.text, published=doc.published, id=doc.id)
        if article.text != doc.text:
            # Offsets index the text; a pipeline that rewrites it cannot be scored span by span.
            raise SvodkaError(
                f"{doc.id}: the pipeline changed the text, offsets are not comparable"
            )
        scores.append(score(doc, article.to_dict()))
    return Report(tuple(scores))


def evaluate(gold_dir: str | Path, pipeline: Callable[..., Article]) -> Report:
    """Score `pipeline` on every gold file in `gold_dir`."""
    return run_gold(load_gold_dir(gold_dir), pipeline)
