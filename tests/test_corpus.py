"""Across articles: syndicated copies, one quotation and one event from many reports, actor
keys, timelines and dyads — rules as tables, then real NEWSru.com text through the real
pipeline and a real store."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from svodka.corpus.actors import EntityRow, resolve_keys
from svodka.corpus.clusters import EventRow, QuoteRow, cluster_quotes, date_span, same_event
from svodka.corpus.dedup import Signed, find_duplicates, signature
from svodka.ingest.sources import document_from_json
from svodka.pipeline import Pipeline
from svodka.records import Article, Event, Range, Span
from svodka.store import Store

DATA = Path(__file__).parent / "data" / "ingest"


def corpus_article(article_id: str) -> dict:
    for line in (DATA / "articles.jsonl").read_text("utf-8").splitlines():
        obj = json.loads(line)
        if obj["id"] == article_id:
            return obj
    raise KeyError(article_id)


# --- rules ---------------------------------------------------------------------------------


def ev(
    article: str = "a",
    type: str = "CONSULT",
    sources: tuple[str, ...] = ("putin",),
    targets: tuple[str, ...] = ("bush",),
    date: str | None = "2001-07-22",
    location: str | None = None,
    mode: str | None = None,
    negated: bool = False,
    trigger: str = "встреча",
    published: str | None = "2001-07-07",
) -> EventRow:
    return EventRow(
        article_id=article, idx=0, type=type, cameo="040", mode=mode, sources=sources,
        targets=targets, location_key=location, location=location, date=date,
        published=published, intent=False, negated=negated, trigger=trigger,
        trigger_start=0, trigger_end=len(trigger),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (ev("a"), ev("b"), True),
        (ev("a"), ev("a"), False),  # one article reports one happening once
        (ev("a"), ev("b", date="2001-07-23"), True),  # a day apart: time zones, late reports
        (ev("a"), ev("b", date="2001-07-25"), False),  # the same people meeting again
        (ev("a", date="2001-06-16"), ev("b", date="2001-07-22"), False),
        (ev("a", date="2001-07"), ev("b", date="2001-07-22"), True),  # a partial date covers
        (ev("a"), ev("b", sources=("bush",), targets=("putin",)), True),  # CONSULT: either way
        (
            ev("a", type="ACCUSE"),
            ev("b", type="ACCUSE", sources=("bush",), targets=("putin",)),
            False,  # who accuses whom matters
        ),
        (ev("a"), ev("b", type="AGREE"), False),
        (ev("a"), ev("b", targets=("schroeder",)), False),  # Putin–Bush is not Putin–Schröder
        (ev("a", targets=()), ev("b"), True),  # one report names only Putin
        (ev("a", location="genoa"), ev("b", location="genoa"), True),
        (ev("a", location="genoa"), ev("b", location="ljubljana"), False),
        (ev("a", mode="phone"), ev("b", mode="visit"), False),
        (ev("a", negated=True), ev("b"), False),
        (ev("a", date=None), ev("b", date=None, published="2001-07-07"), True),  # article date
        (ev("a", date=None, published=None), ev("b", date=None, published=None), False),
    ],
)
def test_same_event_rules(a: EventRow, b: EventRow, same: bool) -> None:
    assert same_event(a, b) is same
    assert same_event(b, a) is same


def test_actorless_events_join_only_within_copies_of_one_story() -> None:
    a = ev("a", sources=(), targets=(), date=None, published=None, trigger="взрыв")
    b = ev("b", sources=(), targets=(), date=None, published=None, trigger="Взрыв")
    assert not same_event(a, b)
    assert same_event(a, b, copies=True)
    assert not same_event(a, dataclasses.replace(b, trigger="пожар"), copies=True)


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2024-07-15", "2024-07-15", "2024-07-15"),
        ("2024-07", "2024-07-01", "2024-07-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024", "2024-01-01", "2024-12-31"),
        ("2024-07-15T10:00:00+03:00", "2024-07-15", "2024-07-15"),
    ],
)
def test_date_span(value: str, first: str, last: str) -> None:
    span = date_span(value)
    assert span is not None
    assert (span[0].isoformat(), span[1].isoformat()) == (first, last)


@pytest.mark.parametrize("value", [None, "", "PAST_REF", "2024-13", "вчера"])
def test_date_span_rejects_what_is_not_a_date(value: str | None) -> None:
    assert date_span(value) is None


LONG = "Мы никогда не забудем героизм и самопожертвование ваших военных при освобождении Курской области"


def qr(article: str, text: str, speaker: str | None = "putin", idx: int = 0) -> QuoteRow:
    return QuoteRow(article, idx, text, 0, len(text), speaker, "2025-09-03", "direct")


@pytest.mark.parametrize(
    ("rows", "groups"),
    [
        ([qr("a", LONG), qr("b", LONG)], [["a", "b"]]),
        # Case, ё and punctuation do not matter.
        ([qr("a", LONG), qr("b", "«" + LONG.upper().replace("Е", "Ё") + "!»")], [["a", "b"]]),
        # A truncated reprint is the same quotation.
        ([qr("a", LONG), qr("b", LONG.rsplit(" ", 3)[0] + "…")], [["a", "b"]]),
        # An unattributed copy joins the attributed one.
        ([qr("a", LONG), qr("b", LONG, speaker=None)], [["a", "b"]]),
        # Two named speakers: two quotations, however alike the words.
        ([qr("a", LONG), qr("b", LONG, speaker="kim")], [["a"], ["b"]]),
        # Short phrases join only when equal …
        ([qr("a", "Мы договорились"), qr("b", "Мы договорились обо всём")], [["a"], ["b"]]),
        ([qr("a", "Мы договорились"), qr("b", "мы договорились")], [["a", "b"]]),
        # … and said by someone: unattributed fragments recur by chance.
        ([qr("a", "эту информацию", None), qr("b", "эту информацию", None)], [["a"], ["b"]]),
        ([qr("a", "эту информацию", None), qr("b", "эту информацию")], [["a"], ["b"]]),
        # One article's nested quotes (a direct one inside an indirect one) stay apart.
        ([qr("a", LONG, idx=0), qr("a", LONG[:60], idx=1)], [["a"], ["a"]]),
        (
            [qr("a", LONG), qr("b", "Совсем другие слова о погоде и урожае в этом году")],
            [["a"], ["b"]],
        ),
    ],
)
def test_quote_clusters(rows: list[QuoteRow], groups: list[list[str]]) -> None:
    clusters = cluster_quotes(rows)
    found = sorted(sorted(o.article_id for o in c.occurrences) for c in clusters)
    assert found == sorted(groups)
    for c in clusters:
        assert c.text == max((o.text for o in c.occurrences), key=len)  # the fullest version


def entity(
    article: str, eid: str, name: str, kb: str | None = None, type: str = "PER"
) -> EntityRow:
    from svodka.corpus.normal import actor_key

    return EntityRow(article, eid, type, name, kb, None, (), actor_key(type, name, kb))


def test_actor_keys_join_name_forms_across_articles() -> None:
    rows = [
        entity("a", "e1", "Владимир Путин", "Q7747"),
        entity("b", "e1", "Путин"),  # a surname alone, one full name ends with it
        entity("c", "e2", "Владимир Путин"),  # the name another article linked to a QID
        entity("d", "e1", "Александр Лукашенко"),
        entity("e", "e1", "Иванов"),  # two Ivanovs: ambiguous, stays apart
        entity("f", "e1", "Сергей Иванов"),
        entity("g", "e1", "Виктор Иванов"),
        entity("h", "e1", "Ё Ё", type="ORG"),
    ]
    keys = resolve_keys(rows)
    assert keys[("a", "e1")] == keys[("b", "e1")] == keys[("c", "e2")] == "Q7747"
    assert keys[("d", "e1")] == "PER:александр лукашенко"
    assert keys[("e", "e1")] == "PER:иванов"
    assert keys[("h", "e1")] == "ORG:е е"


def test_minhash_flags_copies_not_relatives() -> None:
    text = corpus_article("newsru-2001-world-genuya")["text"]
    copy = (
        "Путин и Буш встретятся в Генуе\n\n"
        + text.split("\n\n", 1)[1]
        + " Об этом сообщает ИТАР-ТАСС."
    )
    other = corpus_article("newsru-2001-russia-alexluka")["text"]
    items = [
        Signed("orig", ("2001-07-07", "orig"), signature(text)),
        Signed("copy", ("2001-07-08", "copy"), signature(copy)),
        Signed("other", ("2001-06-20", "other"), signature(other)),
    ]
    found = find_duplicates(items)
    assert [(c, o) for c, o, _ in found] == [("copy", "orig")]
    assert found[0][2] >= 0.8


# --- real text, real pipeline, real store -------------------------------------------------


def with_events(article: Article, specs: list[dict]) -> Article:
    """Events anchored in the article's own text (until the pipeline emits its own): each
    spec names its trigger word and participants by canonical name."""
    ids = {e.name: e.id for e in article.entities}
    events = []
    for s in specs:
        start = article.text.index(s["trigger"])
        sentence_start = article.text.rfind(".", 0, start) + 1
        sentence_end = article.text.find(".", start) + 1
        events.append(
            Event(
                type=s["type"],
                cameo=s["cameo"],
                mode=s.get("mode"),
                source=tuple(ids[n] for n in s["source"]),
                target=tuple(ids[n] for n in s.get("target", ())),
                location=ids.get(s.get("location", "")),
                date=s["date"],
                duration=None,
                intent=s.get("intent", False),
                negated=False,
                trigger=Span(start, start + len(s["trigger"]), s["trigger"]),
                sentence=Range(sentence_start, sentence_end),
            )
        )
    return dataclasses.replace(article, events=tuple(events))


GENUYA_EVENTS = [
    # "Она состоятся 22 июля в Генуе": the meeting the article announces.
    {"type": "CONSULT", "cameo": "043", "trigger": "очередной встречи", "date": "2001-07-22",
     "source": ["Владимир Путин"], "target": ["Джордж Буш"], "location": "Генуя", "intent": True},
    # "Накануне президенты переговорили по телефону": the call the day before.
    {"type": "CONSULT", "cameo": "040", "mode": "phone", "trigger": "переговорили",
     "date": "2001-07-06", "source": ["Джордж Буш"], "target": ["Владимир Путин"]},
    # "недавнюю встречу в Словении": an earlier meeting of the same two people.
    {"type": "CONSULT", "cameo": "043", "trigger": "недавнюю встречу", "date": "2001-06",
     "source": ["Владимир Путин"], "target": ["Джордж Буш"], "location": "Словения"},
    {"type": "SUPPORT", "cameo": "051", "trigger": "выразили друг другу благодарность",
     "date": "2001-07-06", "source": ["Владимир Путин", "Джордж Буш"]},
]  # fmt: skip
TRUNCATED = (
    "вопросы стратегической стабильности, экономики, региональные и некоторые другие проблемы"
)


@pytest.fixture(scope="module")
def agency_store(nlp: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One agency story as two outlets ran it (the second with its own headline and a quote
    cut short), and an unrelated meeting of Putin's with Lukashenko."""
    story = corpus_article("newsru-2001-world-genuya")
    tass = {**story, "id": "tass-genuya", "outlet": "ИТАР-ТАСС"}
    body = story["text"].split("\n\n", 1)[1]
    interfax = {
        **story,
        "id": "interfax-genuya",
        "outlet": "Интерфакс",
        "published": "2001-07-08",
        "text": "Путин и Буш договорились о встрече в Генуе\n\n"
        + body.replace(TRUNCATED, "вопросы стратегической стабильности"),
    }
    luka = corpus_article("newsru-2001-russia-alexluka")
    articles = [nlp(document_from_json(obj, obj["id"])) for obj in (tass, interfax, luka)]
    articles[0] = with_events(articles[0], GENUYA_EVENTS)
    articles[1] = with_events(articles[1], GENUYA_EVENTS)
    articles[2] = with_events(
        articles[2],
        [{"type": "CONSULT", "cameo": "043", "trigger": "встреча Лукашенко", "date": "2001-06-20",
          "source": ["Александр Лукашенко"], "target": ["Путин"], "location": "Москва"}],
    )  # fmt: skip
    store = Store(tmp_path_factory.mktemp("corpus") / "corpus.duckdb")
    assert store.add_many(articles) == [
        "tass-genuya",
        "interfax-genuya",
        "newsru-2001-russia-alexluka",
    ]
    store.rebuild_clusters()
    yield store
    store.close()


def test_syndicated_copy_is_flagged(agency_store: Store) -> None:
    rows = {a["id"]: a for a in agency_store.articles()}
    assert rows["interfax-genuya"]["duplicate_of"] == "tass-genuya"
    assert rows["tass-genuya"]["duplicate_of"] is None
    assert rows["newsru-2001-russia-alexluka"]["duplicate_of"] is None


def test_one_event_many_sources(agency_store: Store) -> None:
    events = agency_store.events(actor="Q207")  # Джордж Буш
    assert len(events) == 4  # Genoa, the call, Slovenia, the thanks: each once
    for e in events:
        assert sorted(s["outlet"] for s in e["sources"]) == ["ИТАР-ТАСС", "Интерфакс"]
        assert e["n_sources"] == 2
        assert e["first_seen"] == "2001-07-07"  # ИТАР-ТАСС ran it first
    genoa = agency_store.events(place="генуя")
    assert [(e["type"], e["date"], e["intent"]) for e in genoa] == [("CONSULT", "2001-07-22", True)]
    assert genoa[0]["source_names"] == ["Владимир Путин"]
    assert genoa[0]["target_names"] == ["Джордж Буш"]


def test_meetings_of_the_same_people_on_other_days_stay_apart(agency_store: Store) -> None:
    meetings = agency_store.events(type="CONSULT", actor="Путин")
    dated = sorted((e["date"], e["mode"], e["location"]) for e in meetings)
    assert dated == [
        ("2001-06", None, "Словения"),
        ("2001-06-20", None, "Москва"),  # with Lukashenko, not with Bush
        ("2001-07-06", "phone", None),
        ("2001-07-22", None, "Генуя"),
    ]
    july = agency_store.events(actor="Путин", date_from="2001-07", date_to="2001-07-10")
    assert sorted((e["date"], e["type"]) for e in july) == [
        ("2001-07-06", "CONSULT"),
        ("2001-07-06", "SUPPORT"),
    ]


def test_one_quotation_many_occurrences(agency_store: Store) -> None:
    found = agency_store.quotes(q="стратегической стабильности")
    assert len(found) == 1
    quote = found[0]
    assert quote["text"].endswith(TRUNCATED)  # the full version, not the cut one
    assert quote["speaker_name"] == "Шон Маккормак"
    assert quote["first_seen"] == "2001-07-07"
    assert sorted(o["outlet"] for o in quote["occurrences"]) == ["ИТАР-ТАСС", "Интерфакс"]
    assert agency_store.quotes(speaker="Маккормак", q="ё-моё") == []


def test_actor_timeline_and_dyads(agency_store: Store) -> None:
    putin = agency_store.entity("Q7747")
    assert putin is not None
    # Путин in the Lukashenko story is a surname only: joined to the Putin of the QID.
    assert putin["n_articles"] == 3
    assert {"Путин", "Путиным", "Владимир Путин"} <= set(putin["names"])
    dates = [t["date"] for t in putin["timeline"] if t["kind"] == "event"]
    assert (
        dates
        == sorted(dates)
        == ["2001-06", "2001-06-20", "2001-07-06", "2001-07-06", "2001-07-22"]
    )
    assert agency_store.dyads("Путин", "Буш") == [
        {"month": "2001-06", "type": "CONSULT", "count": 1},
        {"month": "2001-07", "type": "CONSULT", "count": 2},
        {"month": "2001-07", "type": "SUPPORT", "count": 1},
    ]
    # Directed: the call (Bush → Putin) and the thanks they gave each other.
    assert agency_store.dyads("Буш", "Путин", directed=True) == [
        {"month": "2001-07", "type": "CONSULT", "count": 1},
        {"month": "2001-07", "type": "SUPPORT", "count": 1},
    ]
    assert agency_store.dyads("Путин", "Лукашенко") == [
        {"month": "2001-06", "type": "CONSULT", "count": 1}
    ]


def test_entities_search_any_name_form(agency_store: Store) -> None:
    keys = [e["key"] for e in agency_store.entities(q="ЛУКАШЕНКО")]
    assert keys == ["Q14211"]
    assert agency_store.entities(q="президент белоруссии")[0]["key"] == "Q14211"  # a role form
    assert agency_store.entities(q="нет такого") == []


def test_rebuild_is_repeatable(agency_store: Store) -> None:
    before = (
        {e["id"] for e in agency_store.events()},
        {q["id"] for q in agency_store.quotes(limit=500)},
    )
    agency_store.rebuild_clusters()
    after = (
        {e["id"] for e in agency_store.events()},
        {q["id"] for q in agency_store.quotes(limit=500)},
    )
    assert before == after  # cluster ids are stable
    assert not agency_store.clusters_stale()


def test_symmetric_reports_keep_one_orientation() -> None:
    from svodka.corpus.clusters import cluster_events

    (event,) = cluster_events([ev("a"), ev("b", sources=("bush",), targets=("putin",))])
    assert (event.sources, event.targets) == (("putin",), ("bush",))
    (accuse,) = cluster_events([ev("a", type="ACCUSE"), ev("b", type="ACCUSE", targets=())])
    assert (accuse.sources, accuse.targets) == (("putin",), ("bush",))
