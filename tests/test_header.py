"""Header parsing: one row per real variant of how sites and agencies print their headers."""

from __future__ import annotations

import datetime as dt

import pytest

from svodka.ingest.plain import find_datetimes, normalise_place, parse_header

REF = dt.date(2025, 9, 3)

TIMESTAMPS = [
    # line, published, updated
    ("17:47 03.09.2025 (обновлено: 17:54 03.09.2025)", "2025-09-03T17:47:00", "2025-09-03T17:54:00"),
    ("3 сентября 2025, 17:47, обновлено 3 сентября 2025, 18:01", "2025-09-03T17:47:00", "2025-09-03T18:01:00"),
    ("03.09.2025, 17:47", "2025-09-03T17:47:00", None),
    ("17:47, 3 сентября 2025", "2025-09-03T17:47:00", None),
    ("03 сен 2025, 17:47", "2025-09-03T17:47:00", None),
    ("3 сентября 2025 г., 17:47", "2025-09-03T17:47:00", None),
    ("Опубликовано: 2025-09-03T17:47:00+03:00", "2025-09-03T17:47:00+03:00", None),
    ("Опубликовано: 03.09.2025 17:47 | Обновлено: 03.09.2025 19:05", "2025-09-03T17:47:00", "2025-09-03T19:05:00"),
    ("03.09.25 17:47", "2025-09-03T17:47:00", None),
    ("Sep 3, 2025 17:47", "2025-09-03T17:47:00", None),
    ("3 сентября 2025", "2025-09-03", None),
]  # fmt: skip


@pytest.mark.parametrize(("line", "published", "updated"), TIMESTAMPS)
def test_timestamp_lines(line: str, published: str, updated: str | None) -> None:
    header = parse_header(f"Заголовок статьи\n{line}\nПервый абзац статьи.")
    assert header.headline == "Заголовок статьи"
    assert (header.published, header.updated) == (published, updated)
    assert header.lead == "Первый абзац статьи."


DATELINES = [
    # first line of the body, place, date, agency
    ("ТАШКЕНТ, 3 сентября — Sputnik. Президент России провел переговоры.", "Ташкент", "2025-09-03", "Sputnik"),
    ("МОСКВА, 3 сен — РИА Новости. Текст новости.", "Москва", "2025-09-03", "РИА Новости"),
    ("МОСКВА, 3 сентября. /ТАСС/. Текст новости.", "Москва", "2025-09-03", "ТАСС"),
    ("ВАШИНГТОН, 2 сентября. /Корр. ТАСС Иван Иванов/. Текст.", "Вашингтон", "2025-09-02", "ТАСС"),
    ("Москва. 3 сентября. INTERFAX.RU - Текст новости.", "Москва", "2025-09-03", "Интерфакс"),
    ("Киев. 1 сентября. ИНТЕРФАКС-УКРАИНА - Текст.", "Киев", "2025-09-01", "Интерфакс"),
    ("МОСКВА, 3 сентября (Рейтер) - Текст новости.", "Москва", "2025-09-03", "Рейтер"),
    ("MOSCOW, Sept 3 (Reuters) - Russian President said.", "Moscow", "2025-09-03", "Рейтер"),
    ("НЬЮ-ЙОРК, 3 сентября - РИА Новости, Анна Иванова. Текст.", "Нью-Йорк", "2025-09-03", "РИА Новости"),
    ("РОСТОВ-НА-ДОНУ, 2 сен — РИА Новости. Текст.", "Ростов-на-Дону", "2025-09-02", "РИА Новости"),
    ("НИЖНИЙ НОВГОРОД, 1 сентября — ПРАЙМ. Текст.", "Нижний Новгород", "2025-09-01", "ПРАЙМ"),
    ("Москва, 3 сентября 2025, 17:47 — ИА Регнум. Текст.", "Москва", "2025-09-03", "Регнум"),
    ("Президент России, 3 сентября провел встречу.", None, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("line", "place", "date", "agency"), DATELINES)
def test_datelines(line: str, place: str | None, date: str | None, agency: str | None) -> None:
    header = parse_header(f"Заголовок\n{line}", REF)
    if place is None:
        assert header.dateline is None
        return
    assert header.dateline is not None
    assert (header.dateline.place, header.dateline.date, header.dateline.agency) == (
        place,
        date,
        agency,
    )
    text = f"Заголовок\n{line}"
    assert text[header.dateline.start : header.dateline.end].lower() == place.lower()


@pytest.mark.parametrize(
    ("reference", "expected"),
    [(dt.date(2026, 1, 1), "2025-12-31"), (dt.date(2025, 12, 31), "2025-12-31")],
)
def test_dateline_year_boundary(reference: dt.date, expected: str) -> None:
    header = parse_header("Заголовок\nМОСКВА, 31 декабря — РИА Новости. Текст.", reference)
    assert header.dateline is not None and header.dateline.date == expected


CREDITS = [
    ("© Sputnik / Сергей Бобылев/", "Sputnik / Сергей Бобылев"),
    ("© РИА Новости / Алексей Никольский", "РИА Новости / Алексей Никольский"),
    ("Фото: Reuters", "Reuters"),
    ("Фото — ТАСС/Михаил Метцель", "ТАСС / Михаил Метцель"),
    ("Фото: AP Photo/Alexander Zemlianichenko", "AP Photo / Alexander Zemlianichenko"),
    ("Источник фото: пресс-служба Кремля", "пресс-служба Кремля"),
]


@pytest.mark.parametrize(("line", "credit"), CREDITS)
def test_photo_credit_and_caption(line: str, credit: str) -> None:
    text = f"Заголовок\nЛидеры во время встречи в Пекине.\n{line}\nПервый абзац."
    header = parse_header(text)
    assert len(header.media) == 1
    assert header.media[0].credit == credit
    assert header.media[0].caption == "Лидеры во время встречи в Пекине."


def test_headline_is_not_a_sentence_without_header() -> None:
    header = parse_header("Президент провел встречу. Он заявил о планах.")
    assert header.headline is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ТАШКЕНТ", "Ташкент"), ("САНКТ-ПЕТЕРБУРГ", "Санкт-Петербург"), ("Москва", "Москва")],
)
def test_normalise_place(raw: str, expected: str) -> None:
    assert normalise_place(raw) == expected


def test_find_datetimes_offsets() -> None:
    line = "Обновлено 17:54 03.09.2025"
    [(start, end, value)] = find_datetimes(line)
    assert line[start:end] == "17:54 03.09.2025"
    assert value == "2025-09-03T17:54"
