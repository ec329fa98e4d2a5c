"""The bundled sample: the metadata and entity facts SPEC.md asks for."""

from __future__ import annotations

import json

import pytest

from svodka.records import Article


def entity(article: Article, name: str):
    found = [e for e in article.entities if e.name == name]
    assert len(found) == 1, f"{name}: {[e.name for e in article.entities]}"
    return found[0]


def test_metadata(seed: Article) -> None:
    assert seed.headline == "Путин встретился с Ким Чен Ыном в Пекине — ключевые заявления лидеров"
    assert seed.published == "2025-09-03T17:47:00"
    assert seed.updated == "2025-09-03T17:54:00"
    assert seed.dateline is not None
    assert (seed.dateline.place, seed.dateline.date, seed.dateline.agency) == (
        "Ташкент",
        "2025-09-03",
        "Sputnik",
    )
    assert seed.outlet == "Sputnik"
    assert [m.credit for m in seed.media] == ["Sputnik / Сергей Бобылев"]
    assert seed.media[0].caption is not None and seed.media[0].caption.startswith("Президент РФ")
    assert seed.lead is not None and seed.lead.startswith("Глава России подчеркнул")


@pytest.mark.parametrize(
    ("name", "type_", "country", "forms"),
    [
        ("Владимир Путин", "PER", "RUS", {"Путин", "Владимир Путин"}),
        ("Ким Чен Ын", "PER", "PRK", {"Ким Чен Ыном", "Ким Чен Ын", "Ким Чен Ына"}),
        ("Россия", "GPE", "RUS", {"РФ", "России", "Россия", "Россией", "Россию"}),
        ("КНДР", "GPE", "PRK", {"КНДР", "Корейской Народно-Демократической Республики"}),
        ("Ташкент", "LOC", "UZB", {"ТАШКЕНТ"}),
        ("Пекин", "LOC", "CHN", {"Пекине"}),
        ("Курская область", "LOC", "RUS", {"Курской области"}),
        ("Дяоюйтай", "FAC", None, {"Дяоюйтай"}),
        ("площадь Тяньаньмэнь", "FAC", None, {"площади Тяньаньмэнь"}),
        ("Дом народных собраний", "FAC", None, {"Доме народных собраний"}),
        ("Сергей Бобылев", "PER", None, {"Сергей Бобылев"}),
    ],
)
def test_entities(
    seed: Article, name: str, type_: str, country: str | None, forms: set[str]
) -> None:
    found = entity(seed, name)
    assert found.type == type_
    if country is not None:
        assert found.country == country
    assert forms <= {m.text for m in found.mentions if m.kind == "name"}


def test_dateline_word_is_a_place_not_an_organisation(seed: Article) -> None:
    assert not any(
        m.text == "ТАШКЕНТ" for e in seed.entities if e.type == "ORG" for m in e.mentions
    )


def test_every_span_indexes_the_text(seed: Article) -> None:
    spans = seed.spans()
    assert spans
    for start, end, text in spans:
        assert seed.text[start:end] == text


def test_json_round_trip(seed: Article) -> None:
    data = json.loads(seed.to_json())
    assert list(data)[:3] == ["schema", "id", "url"]
    assert Article.from_dict(data) == seed
    assert data["entities"][0]["mentions"][0].keys() == {"start", "end", "text", "kind"}
