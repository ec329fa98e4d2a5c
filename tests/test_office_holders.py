"""The bundled office-holder table answers "who held office X of country Y on day D".

Terms are half-open, ``[start, end)``: on an inauguration day the successor holds the office.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
from natasha import MorphVocab

ROOT = Path(__file__).resolve().parent.parent


def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("svodka.kb").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))


def holders_on(country: str, office: str, day: str) -> list[str]:
    """Names of everyone who held `office` of `country` on `day` (ISO date)."""
    when = date.fromisoformat(day)
    found = []
    for row in _table("office_holders.tsv"):
        if row["country"] != country or row["office"] != office:
            continue
        start = date.fromisoformat(row["start"])
        end = date.fromisoformat(row["end"]) if row["end"] else None
        if start <= when and (end is None or when < end):
            found.append(row["name"])
    return found


@pytest.mark.parametrize(
    ("country", "office", "day", "expected"),
    [
        # Russia: the 2000, 2008 and 2012 handovers, day before and day of.
        ("RUS", "head_of_state", "1999-12-30", "Борис Ельцин"),
        ("RUS", "head_of_state", "1999-12-31", "Владимир Путин"),
        ("RUS", "head_of_state", "2000-05-07", "Владимир Путин"),
        ("RUS", "head_of_state", "2008-05-06", "Владимир Путин"),
        ("RUS", "head_of_state", "2008-05-07", "Дмитрий Медведев"),
        ("RUS", "head_of_state", "2009-05-01", "Дмитрий Медведев"),
        ("RUS", "head_of_state", "2012-05-06", "Дмитрий Медведев"),
        ("RUS", "head_of_state", "2012-05-07", "Владимир Путин"),
        ("RUS", "head_of_state", "2025-09-03", "Владимир Путин"),
        ("RUS", "head_of_government", "2008-05-07", "Виктор Зубков"),
        ("RUS", "head_of_government", "2008-05-08", "Владимир Путин"),
        ("RUS", "head_of_government", "2020-01-15", "Дмитрий Медведев"),
        ("RUS", "head_of_government", "2020-01-16", "Михаил Мишустин"),
        ("RUS", "deputy_head_of_government", "2006-06-01", "Дмитрий Медведев"),
        ("RUS", "foreign_minister", "2004-03-08", "Игорь Иванов"),
        ("RUS", "foreign_minister", "2004-03-09", "Сергей Лавров"),
        ("RUS", "defence_minister", "2012-11-05", "Анатолий Сердюков"),
        ("RUS", "defence_minister", "2012-11-06", "Сергей Шойгу"),
        ("RUS", "security_council_secretary", "2002-10-01", "Владимир Рушайло"),
        ("RUS", "head_of_state_spokesperson", "2017-01-01", "Дмитрий Песков"),
        ("RUS", "foreign_ministry_spokesperson", "2022-03-01", "Мария Захарова"),
        ("RUS", "mayor_of_moscow", "2009-06-01", "Юрий Лужков"),
        ("RUS", "mayor_of_moscow", "2010-10-21", "Сергей Собянин"),
        # United States: inauguration day belongs to the new president.
        ("USA", "head_of_state", "2009-01-19", "Джордж Буш"),
        ("USA", "head_of_state", "2009-01-20", "Барак Обама"),
        ("USA", "head_of_state", "2021-01-19", "Дональд Трамп"),
        ("USA", "head_of_state", "2021-01-20", "Джо Байден"),
        ("USA", "head_of_state", "2025-01-20", "Дональд Трамп"),
        ("USA", "foreign_minister", "2010-06-01", "Хиллари Клинтон"),
        ("USA", "defence_minister", "2008-01-01", "Роберт Гейтс"),
        # Others.
        ("CHN", "head_of_state", "2013-03-13", "Ху Цзиньтао"),
        ("CHN", "head_of_state", "2013-03-14", "Си Цзиньпин"),
        ("PRK", "head_of_state", "2011-12-16", "Ким Чен Ир"),
        ("PRK", "head_of_state", "2025-09-03", "Ким Чен Ын"),
        ("UKR", "head_of_state", "2019-05-19", "Петр Порошенко"),
        ("UKR", "head_of_state", "2019-05-20", "Владимир Зеленский"),
        ("BLR", "head_of_state", "2010-04-20", "Александр Лукашенко"),
        ("KGZ", "head_of_state", "2010-04-06", "Курманбек Бакиев"),
        ("KGZ", "head_of_state", "2010-04-07", "Роза Отунбаева"),
        ("DEU", "head_of_government", "2005-11-21", "Герхард Шредер"),
        ("DEU", "head_of_government", "2005-11-22", "Ангела Меркель"),
        ("FRA", "head_of_state", "2012-05-14", "Николя Саркози"),
        ("FRA", "head_of_state", "2017-05-14", "Эмманюэль Макрон"),
        ("GBR", "monarch", "2022-09-07", "Елизавета II"),
        ("GBR", "monarch", "2022-09-08", "Карл III"),
        ("GBR", "head_of_government", "2016-07-13", "Тереза Мэй"),
        ("TUR", "head_of_state", "2014-08-27", "Абдулла Гюль"),
        ("TUR", "head_of_state", "2014-08-28", "Реджеп Тайип Эрдоган"),
        ("TUR", "head_of_government", "2010-01-01", "Реджеп Тайип Эрдоган"),
        ("ISR", "head_of_government", "2006-02-01", "Эхуд Ольмерт"),
        ("PSE", "head_of_government", "2006-06-01", "Исмаил Хания"),
        ("IRN", "supreme_leader", "2026-02-27", "Али Хаменеи"),
        ("VEN", "head_of_state", "2026-01-02", "Николас Мадуро"),
        ("ООН", "secretary_general", "2010-01-01", "Пан Ги Мун"),
        ("НАТО", "secretary_general", "2015-01-01", "Йенс Столтенберг"),
        ("Еврокомиссия", "head", "2010-01-01", "Жозе Мануэл Баррозу"),
    ],
)
def test_holder_on_date(country: str, office: str, day: str, expected: str) -> None:
    assert holders_on(country, office, day) == [expected]


@pytest.mark.parametrize(
    ("country", "office", "day"),
    [
        ("RUS", "head_of_government", "2012-05-07"),  # Zubkov's acting day: not listed
        ("USA", "head_of_state", "1990-01-01"),  # before the table starts
    ],
)
def test_no_holder(country: str, office: str, day: str) -> None:
    assert holders_on(country, office, day) == []


def test_every_holder_office_is_a_role_class() -> None:
    classes = {row["office"] for row in _table("roles.tsv") if row["office"]}
    used = {row["office"] for row in _table("office_holders.tsv")}
    assert used <= classes


@cache
def _vocab() -> MorphVocab:
    return MorphVocab()


def _lemma(word: str) -> str:
    return _vocab().parse(word)[0].normal_form.replace("ё", "е")


def test_role_lemmas_are_lemmatised() -> None:
    """Each word of a role lemma, multiword or not, is its own pymorphy lemma."""
    bad = [
        (row["lemma"], word, _lemma(word))
        for row in _table("roles.tsv")
        for word in row["lemma"].split(" ")
        if _lemma(word) != word
    ]
    assert bad == []


def test_multiword_roles_present() -> None:
    lemmas = {row["lemma"]: row for row in _table("roles.tsv")}
    assert lemmas["министр иностранный дело"]["office"] == "foreign_minister"
    assert lemmas["председатель государственный дело"]["office"] == "head_of_state"
    assert lemmas["глава мид"]["office"] == "foreign_minister"


def test_check_script_is_clean() -> None:
    script = ROOT / "scripts" / "check_roles.py"
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
