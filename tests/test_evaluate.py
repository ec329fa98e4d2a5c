"""`svodka eval`: the scorer on hand-made gold/system pairs with known counts, and the CLI."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from svodka.evaluate import (
    LAYERS,
    Counts,
    GoldError,
    _match,
    evaluate,
    gold_from_dict,
    map_entities,
    score,
)
from svodka.records import Article

EVAL_DIR = Path(__file__).resolve().parent / "data" / "eval"
SVODKA = [sys.executable, "-m", "svodka.cli"]

TEXT = (
    "Российский лидер Путин встретился с Моди в Москве. «Мы ценим партнерство», — сказал Путин. "
    "Он пригласил премьера Индии в Казань в следующем году. Накануне в Казани прогремел взрыв."
)


def span(fragment: str, nth: int = 0, **extra: Any) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(fragment, start + 1)
    return {"start": start, "end": start + len(fragment), "text": fragment, **extra}


def mention(fragment: str, kind: str = "name", nth: int = 0) -> dict[str, Any]:
    return span(fragment, nth, kind=kind)


def entity(id: str, name: str, *mentions: dict[str, Any]) -> dict[str, Any]:
    return {"id": id, "type": "PER", "name": name, "mentions": list(mentions)}


def event(
    type: str, source: list[str], target: list[str], trigger: str, **attrs: Any
) -> dict[str, Any]:
    base = {"cameo": None, "mode": None, "location": None, "date": None, "duration": None}
    return {
        "type": type,
        **base,
        "source": source,
        "target": target,
        "intent": False,
        "negated": False,
        "trigger": span(trigger),
        **attrs,
    }


GOLD: dict[str, Any] = {
    "schema": "svodka/gold@1",
    "id": "putin-modi",
    "published": "2025-09-03",
    "text": TEXT,
    "entities": [
        entity(
            "putin",
            "Владимир Путин",
            mention("Российский лидер", "role"),
            mention("Путин"),
            mention("Путин", nth=1),
            mention("Он", "pronoun"),
        ),
        entity("modi", "Нарендра Моди", mention("Моди"), mention("премьера Индии", "role")),
        entity("india", "Индия", mention("Индии")),
        entity("russia", "Россия", mention("Российский", "adjective")),
        entity("moscow", "Москва", mention("Москве")),
        entity("kazan", "Казань", mention("Казань"), mention("Казани")),
    ],
    "quotes": [span("Мы ценим партнерство", speaker="putin", kind="direct", cue="сказать")],
    "events": [
        event(
            "CONSULT",
            ["putin"],
            ["modi"],
            "встретился",
            location=["moscow", "russia"],
            date="2025-09-03",
        ),
        event(
            "AGREE", ["putin"], ["modi"], "пригласил", location="kazan", date="2026", intent=True
        ),
        event("ASSAULT", [], [], "взрыв", location="kazan", date="2025-09-02"),
    ],
    "timexes": [
        span("в следующем году", value="2026"),
        span("Накануне", value="2025-09-02"),
    ],
}

# Gold size per layer, for reading the expected counts below.
TOTAL = {
    "mentions": 11,
    "mentions.name": 7,
    "mentions.role": 2,
    "mentions.pronoun": 1,
    "mentions.adjective+metonym": 1,
    "quotes.span": 1,
    "quotes": 1,
    "events": 3,
    "events.untyped": 3,
    "timexes": 2,
}
SYS_ID = {e["id"]: f"e{i}" for i, e in enumerate(reversed(GOLD["entities"]), 1)}


def as_system(gold: dict[str, Any]) -> dict[str, Any]:
    """The gold as a perfect system would print it: its own entity ids, one location."""
    gold = copy.deepcopy(gold)
    ids = dict(SYS_ID)

    def sid(gold_id: str | None) -> str | None:
        return None if gold_id is None else ids.setdefault(gold_id, f"e{len(ids) + 1}")

    events = []
    for ev in gold["events"]:
        location = ev["location"]
        if isinstance(location, list):
            location = location[0]
        events.append(
            {
                **ev,
                "source": [sid(x) for x in ev["source"]],
                "target": [sid(x) for x in ev["target"]],
                "location": sid(location),
                "sentence": {"start": 0, "end": 0},
            }
        )
    return {
        "entities": [{**e, "id": sid(e["id"])} for e in gold["entities"]],
        "quotes": [{**q, "speaker": sid(q["speaker"])} for q in gold["quotes"]],
        "events": events,
        "timexes": copy.deepcopy(gold["timexes"]),
    }


def sys_entity(system: dict[str, Any], gold_id: str) -> dict[str, Any]:
    return next(e for e in system["entities"] if e["id"] == SYS_ID[gold_id])


Edit = Callable[[dict[str, Any], dict[str, Any]], None]


def _noop(gold: dict[str, Any], system: dict[str, Any]) -> None:
    pass


def _swap(ev: dict[str, Any]) -> None:
    ev["source"], ev["target"] = ev["target"], ev["source"]


def _set(path: str, value: Any, side: str = "system") -> Edit:
    """An edit setting `layer.index.key` (e.g. `events.0.type`) on one side."""

    def edit(gold: dict[str, Any], system: dict[str, Any]) -> None:
        layer, index, key = path.split(".")
        target = gold if side == "gold" else system
        target[layer][int(index)][key] = value

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(gold: dict[str, Any], system: dict[str, Any]) -> None:
        for e in edits:
            e(gold, system)

    return edit


def _modi_by_name(name: str) -> Edit:
    def edit(gold: dict[str, Any], system: dict[str, Any]) -> None:
        modi = sys_entity(system, "modi")
        modi["mentions"], modi["name"] = [], name

    return edit


def _add_mention(owner: str, fragment: str) -> Edit:
    def edit(gold: dict[str, Any], system: dict[str, Any]) -> None:
        sys_entity(system, owner)["mentions"].append(mention(fragment))

    return edit


def _add_unmapped_entity(gold: dict[str, Any], system: dict[str, Any]) -> None:
    system["entities"].append(entity("e99", "Партнерство", mention("партнерство")))


def _drop_pronoun(gold: dict[str, Any], system: dict[str, Any]) -> None:
    putin = sys_entity(system, "putin")
    putin["mentions"] = [m for m in putin["mentions"] if m["kind"] != "pronoun"]


def _clear_quotes(gold: dict[str, Any], system: dict[str, Any]) -> None:
    system["quotes"] = []


def _swap_event(index: int) -> Edit:
    def edit(gold: dict[str, Any], system: dict[str, Any]) -> None:
        _swap(system["events"][index])

    return edit


# (edit, {layer: (tp, fp, fn)}); layers not named keep the perfect (TOTAL, 0, 0).
CASES: dict[str, tuple[Edit, dict[str, tuple[int, int, int]]]] = {
    "perfect match": (_noop, {}),
    "missed quote": (_clear_quotes, {"quotes": (0, 0, 1), "quotes.span": (0, 0, 1)}),
    "quote span under half": (
        _set("quotes.0.end", span("Мы ценим партнерство")["start"] + 2),
        {"quotes": (0, 1, 1), "quotes.span": (0, 1, 1)},
    ),
    "wrong speaker counts for quotes, not quotes.span": (
        _set("quotes.0.speaker", SYS_ID["modi"]),
        {"quotes": (0, 1, 1), "quotes.span": (1, 0, 0)},
    ),
    "unresolved speaker on both sides": (
        _both(_set("quotes.0.speaker", None, "gold"), _set("quotes.0.speaker", None)),
        {},
    ),
    "CONSULT participants in either order": (_swap_event(0), {}),
    "AGREE participants in either order": (_swap_event(1), {}),
    "SUPPORT participants keep their order": (
        _both(
            _set("events.0.type", "SUPPORT", "gold"),
            _set("events.0.type", "SUPPORT"),
            _swap_event(0),
        ),
        # untyped, the swapped pair still fits the symmetric gold AGREE, and vice versa
        {"events": (2, 1, 1)},
    ),
    "wrong type misses events, not events.untyped": (
        _set("events.0.type", "SUPPORT"),
        {"events": (2, 1, 1)},
    ),
    "wrong target": (
        _set("events.0.target", [SYS_ID["kazan"]]),
        {"events": (2, 1, 1), "events.untyped": (2, 1, 1)},
    ),
    "gold naming only a source ignores the system target": (
        _both(_set("events.1.target", [], "gold"), _set("events.1.target", [SYS_ID["kazan"]])),
        {},
    ),
    "event without participants matches by overlapping trigger": (
        _set("events.2.source", [SYS_ID["putin"]]),
        {},
    ),
    "event without participants and a trigger elsewhere": (
        _set("events.2.trigger", span("прогремел")),
        {"events": (2, 1, 1), "events.untyped": (2, 1, 1)},
    ),
    "entity mapped by name when no mention overlaps": (
        _modi_by_name("нарендра  МОДИ"),
        {"mentions": (9, 0, 2), "mentions.name": (6, 0, 1), "mentions.role": (1, 0, 1)},
    ),
    "entity that maps to nothing loses its events": (
        _modi_by_name("Ганди"),
        {
            "mentions": (9, 0, 2),
            "mentions.name": (6, 0, 1),
            "mentions.role": (1, 0, 1),
            "events": (1, 2, 2),
            "events.untyped": (1, 2, 2),
        },
    ),
    "extra mention of a mapped entity is a false positive": (
        _add_mention("putin", "Моди"),
        {"mentions": (11, 1, 0), "mentions.name": (7, 1, 0)},
    ),
    "mentions of an unmapped entity are not false positives": (_add_unmapped_entity, {}),
    "missed pronoun": (
        _drop_pronoun,
        {"mentions": (10, 0, 1), "mentions.pronoun": (0, 0, 1)},
    ),
    "timex with a wrong value": (_set("timexes.0.value", "2026-01"), {"timexes": (1, 1, 1)}),
}


@pytest.mark.parametrize(("edit", "expected"), CASES.values(), ids=CASES.keys())
def test_layer_counts(edit: Edit, expected: dict[str, tuple[int, int, int]]) -> None:
    gold, system = copy.deepcopy(GOLD), as_system(GOLD)
    edit(gold, system)
    scores = score(gold_from_dict(gold), system)
    got = {name: (c.tp, c.fp, c.fn) for name, c in scores.layers.items()}
    assert got == {name: expected.get(name, (TOTAL[name], 0, 0)) for name in LAYERS}


def test_perfect_match_scores_one_everywhere() -> None:
    scores = score(gold_from_dict(GOLD), as_system(GOLD))
    assert {c.f1 for c in scores.layers.values()} == {1.0}
    assert {a.value for a in scores.accuracy.values()} == {1.0}
    assert scores.entity_map == {sys_id: gold_id for gold_id, sys_id in SYS_ID.items()}


def test_mention_hit_counts_under_the_gold_kind() -> None:
    system = as_system(GOLD)
    for m in sys_entity(system, "putin")["mentions"]:
        m["kind"] = "name"  # "Российский лидер" found as a name still found a role
    sys_entity(system, "kazan")["mentions"].append(mention("взрыв", "role"))
    layers = score(gold_from_dict(GOLD), system).layers
    assert layers["mentions.role"] == Counts(tp=2, fp=1, fn=0, tp_sys=2)
    assert layers["mentions.pronoun"] == Counts(tp=1, fp=0, fn=0, tp_sys=1)
    assert layers["mentions.name"] == Counts(tp=7, fp=0, fn=0, tp_sys=7)


# (edit, {attribute: (correct, total)}) over the three matched events.
ATTRIBUTE_CASES: dict[str, tuple[Edit, dict[str, tuple[int, int]]]] = {
    "any place of a gold location list": (_set("events.0.location", SYS_ID["russia"]), {}),
    "a place outside the gold list": (
        _set("events.0.location", SYS_ID["kazan"]),
        {"location": (2, 3)},
    ),
    "a location where gold has none": (
        _set("events.2.location", None, "gold"),
        {"location": (2, 3)},
    ),
    "wrong date": (_set("events.1.date", "2026-07"), {"date": (2, 3)}),
    "missed intent": (_set("events.1.intent", False), {"intent": (2, 3)}),
    "duration": (_set("events.0.duration", "PT2H"), {"duration": (2, 3)}),
}


@pytest.mark.parametrize(("edit", "expected"), ATTRIBUTE_CASES.values(), ids=ATTRIBUTE_CASES.keys())
def test_event_attribute_accuracy(edit: Edit, expected: dict[str, tuple[int, int]]) -> None:
    gold, system = copy.deepcopy(GOLD), as_system(GOLD)
    edit(gold, system)
    accuracy = score(gold_from_dict(gold), system).accuracy
    got = {name: (a.correct, a.total) for name, a in accuracy.items()}
    assert got == {
        name: expected.get(name, (3, 3)) for name in ("date", "location", "intent", "duration")
    }


@pytest.mark.parametrize(
    ("layers", "scored"),
    [
        (["entities"], [name for name in LAYERS if name.startswith("mentions")]),
        (["quotes", "timexes"], ["quotes.span", "quotes", "timexes"]),
        (["quotes.span"], ["quotes.span"]),
        (["events"], ["events", "events.untyped"]),
        ([], []),
    ],
)
def test_layers_restrict_what_is_scored(layers: list[str], scored: list[str]) -> None:
    system = as_system(GOLD)
    system["quotes"] = []  # a miss in an unlisted layer must not show
    scores = score(gold_from_dict({**GOLD, "layers": layers}), system)
    assert list(scores.layers) == scored
    assert bool(scores.accuracy) == ("events" in layers)


def test_map_entities_most_overlaps_then_closest_span_then_name() -> None:
    gold = [
        entity("modi", "Нарендра Моди", mention("Моди"), mention("премьера Индии", "role")),
        entity("india", "Индия", mention("Индии")),
        entity("tolstoy", "Пётр Толстой"),
    ]
    system = [
        # overlaps both gold entities once; the exact span decides
        entity("s1", "Индия", mention("Индии")),
        # two overlaps with modi beat one exact hit on india
        entity("s2", "Индия", mention("Моди"), mention("премьера Индии")),
        entity("s3", "ПЕТР  толстой"),
        entity("s4", "Лев Толстой"),
    ]
    assert map_entities(gold, system) == {"s1": "india", "s2": "modi", "s3": "tolstoy"}


def test_match_is_one_to_one_and_maximal() -> None:
    # Greedy alone would give gold 0 its favourite system item 0 and leave gold 1 unmatched.
    accepts = {(0, 0), (0, 1), (1, 0)}
    pairs = _match(
        [0, 1],
        [0, 1],
        lambda g, s: (g, s) in accepts,
        lambda g, s: (float(s), float(g)),
    )
    assert pairs == [(0, 1), (1, 0)]


def test_counts_ratios() -> None:
    c = Counts(tp=3, fp=1, fn=3, tp_sys=3)
    assert (c.precision, c.recall) == (0.75, 0.5)
    assert c.f1 == pytest.approx(0.6)
    assert Counts().f1 == 1.0  # nothing to find and nothing claimed
    assert Counts(fn=2).precision == 0.0
    assert Counts(fp=2).recall == 0.0


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda g: g.update(schema="svodka/article@1"), "schema"),
        (lambda g: g["quotes"][0].update(start=0), "does not match the text"),
        (lambda g: g["events"][0].update(target=["nobody"]), "unknown entity ids ['nobody']"),
        (lambda g: g.update(layers=["quotes", "sentiment"]), "unknown layers ['sentiment']"),
        (lambda g: g["entities"][0].pop("mentions"), "malformed gold"),
    ],
)
def test_bad_gold_is_one_clear_error(edit: Callable[[dict[str, Any]], Any], message: str) -> None:
    gold = copy.deepcopy(GOLD)
    edit(gold)
    with pytest.raises(GoldError, match="^x.json: .*" + message.replace("[", r"\[")):
        gold_from_dict(gold, where="x.json")


def _fake_pipeline(system: dict[str, Any]) -> Callable[..., Article]:
    def run(text: str, published: str | None = None, id: str | None = None) -> Article:
        assert published == GOLD["published"]
        return Article.from_dict({**system, "id": id, "text": text, "published": published})

    return run


def test_evaluate_micro_averages_over_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(GOLD, ensure_ascii=False), "utf-8")
    (tmp_path / "b.json").write_text(json.dumps({**GOLD, "layers": ["quotes"]}), "utf-8")
    system = as_system(GOLD)
    system["quotes"] = []
    report = evaluate(tmp_path, _fake_pipeline(system))

    assert [f.id for f in report.files] == ["putin-modi", "putin-modi"]
    assert report.layers["quotes"] == Counts(tp=0, fp=0, fn=2)
    assert report.layers["timexes"] == Counts(tp=2, fp=0, fn=0, tp_sys=2)
    assert report.accuracy["date"].total == 3

    data = report.to_dict()
    assert data["file_count"] == 2
    assert data["layers"]["quotes"]["recall"] == 0.0
    assert list(data["files"][1]["layers"]) == ["quotes.span", "quotes"]

    table = report.format_table().splitlines()
    assert table[0].split() == ["layer", "P", "R", "F1", "tp", "fp", "fn"]
    assert "quotes 0.000 0.000 0.000 0 0 2" in [" ".join(line.split()) for line in table]
    assert len({len(line) for line in table[: len(LAYERS) + 1]}) == 1  # aligned columns
    assert table[-1] == "files: 2"


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SVODKA_DEBUG"}
    return subprocess.run(
        [*SVODKA, "eval", *args], capture_output=True, text=True, timeout=300, env=env, check=False
    )


def test_cli_eval_json_on_fixture_gold() -> None:
    result = _run_cli(str(EVAL_DIR), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema"] == "svodka/eval@1"
    assert report["file_count"] == 1
    assert list(report["layers"]) == list(LAYERS)
    for counts in report["layers"].values():
        assert {"precision", "recall", "f1", "tp", "fp", "fn"} <= set(counts)
        assert 0.0 <= counts["f1"] <= 1.0
    assert set(report["accuracy"]) == {"date", "location", "intent", "duration"}
    assert report["files"][0]["id"] == "eval-fixture-lavrov-ankara"


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        (lambda d: None, 2, "no such folder"),
        (lambda d: d.mkdir(), 2, "no gold files"),
        (lambda d: (d.mkdir(), (d / "bad.json").write_text("{oops", "utf-8")), 1, "bad.json"),
    ],
    ids=["missing folder", "empty folder", "unreadable gold"],
)
def test_cli_eval_errors_are_one_line(
    tmp_path: Path, setup: Callable[[Path], Any], code: int, message: str
) -> None:
    folder = tmp_path / "gold"
    setup(folder)
    result = _run_cli(str(folder))
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("svodka: error: ") and message in lines[0]
