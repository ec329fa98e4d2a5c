"""Validate the knowledge-base data files in ``svodka/kb/data``.

Checks:

* every TSV has the expected header and column count, clean UTF-8 cells (no leading or
  trailing spaces, no empty ``|`` items, no repeated item inside a cell);
* codes: ``iso3`` is ``AAA`` or ``X-AAA`` and unique; every ``country``, ``capital_of``
  and ``metonym_of`` value is a code of countries.tsv (``metonym_of`` names the country
  whose government a FAC stands for, as ``svodka.kb`` reads it); ``qid`` looks like
  ``Q123``; ``type`` is LOC (places) or ORG/FAC (orgs);
* capitals: each country's ``capital`` is a places.tsv row with ``capital_of`` set to that
  country, and each ``capital_of`` row is that country's capital and lies in it;
* names: no name or alias (compared case-insensitively, with "ё" read as "е" and
  quotation marks ignored) belongs to two rows of one file or to two files, except a
  capital named like its country (Сингапур, Монако ...); adjectives and demonyms are
  unique across countries; every "ё" spelling has its "е" spelling in the same row;
* facility_words.txt: one lowercase word per line, no duplicates.

Usage::

    python scripts/check_kb.py   # prints problems, exits 1 if there are any
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "svodka" / "kb" / "data"

HEADERS: dict[str, tuple[str, ...]] = {
    "countries.tsv": ("iso3", "qid", "name", "aliases", "adjectives", "demonyms", "capital"),
    "countries_overlay.tsv": (
        "iso3",
        "qid",
        "name",
        "aliases",
        "adjectives",
        "demonyms",
        "capital",
    ),
    "places.tsv": ("name", "type", "country", "qid", "aliases", "capital_of"),
    "orgs.tsv": ("name", "type", "country", "qid", "aliases", "metonym_of"),
}
MULTI_VALUED: frozenset[str] = frozenset({"aliases", "adjectives", "demonyms"})
FACILITY_WORDS = "facility_words.txt"

CODE_RE = re.compile(r"^(?:[A-Z]{3}|X-[A-Z]{3})$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
WORD_RE = re.compile(r"^[а-яё]+(?:-[а-яё]+)*$")
QUOTES_RE = re.compile(r"[«»\"“”„]")
SPACES_RE = re.compile(r"\s+")

PLACE_TYPES = frozenset({"LOC"})
ORG_TYPES = frozenset({"ORG", "FAC"})


@dataclass(frozen=True)
class Row:
    file: str
    lineno: int
    cells: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.lineno}"

    def items(self, column: str) -> list[str]:
        value = self.cells.get(column, "")
        return value.split("|") if value else []

    def names(self) -> list[str]:
        return [self.cells["name"], *self.items("aliases")]


def norm(text: str) -> str:
    """Comparison key: case-folded, ё read as е, quotes dropped, spaces collapsed."""
    text = QUOTES_RE.sub("", text.replace("ё", "е").replace("Ё", "Е"))
    return SPACES_RE.sub(" ", text).strip().casefold()


class Checker:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.errors: list[str] = []
        self.tables: dict[str, list[Row]] = {}

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    # -- loading -------------------------------------------------------------------

    def load(self, filename: str) -> list[Row]:
        path = self.data_dir / filename
        header = HEADERS[filename]
        if not path.exists():
            self.error(filename, "missing file")
            return []
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            self.error(filename, "UTF-8 BOM")
        if b"\r" in raw:
            self.error(filename, "CR line endings")
        if raw and not raw.endswith(b"\n"):
            self.error(filename, "no newline at end of file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.error(filename, f"not UTF-8: {exc}")
            return []
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines or tuple(lines[0].split("\t")) != header:
            self.error(f"{filename}:1", f"header must be {' '.join(header)!r}")
            return []
        rows: list[Row] = []
        for lineno, line in enumerate(lines[1:], start=2):
            where = f"{filename}:{lineno}"
            if not line.strip():
                self.error(where, "blank line")
                continue
            cells = line.split("\t")
            if len(cells) != len(header):
                self.error(where, f"{len(cells)} columns, expected {len(header)}")
                continue
            row = Row(filename, lineno, dict(zip(header, cells, strict=True)))
            self.check_cells(row)
            rows.append(row)
        self.tables[filename] = rows
        return rows

    def check_cells(self, row: Row) -> None:
        for column, value in row.cells.items():
            if value != value.strip():
                self.error(row.where, f"{column}: leading or trailing whitespace")
            if "  " in value:
                self.error(row.where, f"{column}: double space")
            if column in MULTI_VALUED and value:
                parts = value.split("|")
                if any(not part or part != part.strip() for part in parts):
                    self.error(row.where, f"{column}: empty or padded item in {value!r}")
                repeated = {part for part in parts if parts.count(part) > 1}
                if repeated:
                    self.error(row.where, f"{column}: repeated {sorted(repeated)}")
            elif "|" in value:
                self.error(row.where, f"{column}: '|' in a single-valued column")
        if "name" in row.cells and not row.cells["name"]:
            self.error(row.where, "empty name")
        if row.cells.get("qid") and not QID_RE.match(row.cells["qid"]):
            self.error(row.where, f"malformed qid {row.cells['qid']!r}")
        if row.cells.get("name") and row.cells["name"] in row.items("aliases"):
            self.error(row.where, "name repeated among aliases")

    # -- checks ----------------------------------------------------------------------

    def check_countries(self, rows: Sequence[Row], label: str) -> dict[str, Row]:
        by_code: dict[str, Row] = {}
        for row in rows:
            code = row.cells["iso3"]
            if not CODE_RE.match(code):
                self.error(row.where, f"bad iso3 {code!r}")
            if code in by_code:
                self.error(row.where, f"duplicate iso3 {code} (see {by_code[code].where})")
            by_code[code] = row
        if label == "countries.tsv":
            for column in ("adjectives", "demonyms"):
                self.unique_across_rows(rows, column)
        return by_code

    def unique_across_rows(self, rows: Iterable[Row], column: str) -> None:
        owner: dict[str, Row] = {}
        for row in rows:
            for item in row.items(column):
                key = norm(item)
                other = owner.get(key)
                if other is not None and other is not row:
                    self.error(row.where, f"{column} {item!r} also in {other.where}")
                owner.setdefault(key, row)

    def check_refs(self, rows: Sequence[Row], columns: Sequence[str], codes: set[str]) -> None:
        for row in rows:
            for column in columns:
                value = row.cells[column]
                if value and value not in codes:
                    self.error(row.where, f"{column} {value!r} is not a known code")

    def check_types(self, rows: Sequence[Row], allowed: frozenset[str]) -> None:
        for row in rows:
            if row.cells["type"] not in allowed:
                self.error(row.where, f"type {row.cells['type']!r} not in {sorted(allowed)}")

    def check_capitals(self, countries: dict[str, Row], places: Sequence[Row]) -> None:
        capital_rows: dict[str, list[Row]] = defaultdict(list)
        for row in places:
            code = row.cells["capital_of"]
            if not code:
                continue
            capital_rows[code].append(row)
            if row.cells["country"] != code:
                self.error(row.where, f"capital of {code} but country is {row.cells['country']!r}")
            country = countries.get(code)
            if country is not None and country.cells["capital"] != row.cells["name"]:
                self.error(
                    row.where,
                    f"capital_of {code}, but countries.tsv says {country.cells['capital']!r}",
                )
        for code, country in countries.items():
            capital = country.cells["capital"]
            if not capital:
                continue
            found = [row for row in capital_rows.get(code, []) if row.cells["name"] == capital]
            if not found:
                self.error(country.where, f"capital {capital!r} has no places.tsv row for {code}")
        for code, found in capital_rows.items():
            if len(found) > 1:
                self.error(found[1].where, f"second capital row for {code}")

    def check_yo(self, rows: Iterable[Row]) -> None:
        for row in rows:
            names = set(row.names())
            for name in names:
                if "ё" in name.lower() and name.replace("ё", "е").replace("Ё", "Е") not in names:
                    self.error(row.where, f"{name!r}: the 'е' spelling is missing")

    def owners(self, rows: Iterable[Row]) -> dict[str, list[Row]]:
        """Map each normalised name to the rows that use it (one entry per row)."""
        table: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            for key in {norm(name) for name in row.names()}:
                table[key].append(row)
        return table

    def check_unique_names(self, rows: Sequence[Row]) -> None:
        for key, found in self.owners(rows).items():
            if len(found) > 1:
                where = ", ".join(row.where for row in found)
                self.error(found[0].file, f"name {key!r} used by several rows: {where}")

    def check_cross_file(
        self, countries: Sequence[Row], places: Sequence[Row], orgs: Sequence[Row]
    ) -> None:
        country_names = self.owners(countries)
        place_names = self.owners(places)
        org_names = self.owners(orgs)
        for key, found in place_names.items():
            for place in found:
                for country in country_names.get(key, []):
                    if place.cells["capital_of"] != country.cells["iso3"]:
                        self.error(place.where, f"name {key!r} is also {country.where}")
        for key, found in org_names.items():
            for org in found:
                for other in (*country_names.get(key, []), *place_names.get(key, [])):
                    self.error(org.where, f"name {key!r} is also {other.where}")

    def check_metonyms(self, orgs: Sequence[Row]) -> None:
        for row in orgs:
            if row.cells["metonym_of"] and row.cells["type"] != "FAC":
                self.error(row.where, "only FAC rows may be metonyms")

    def check_facility_words(self) -> int:
        path = self.data_dir / FACILITY_WORDS
        if not path.exists():
            self.error(FACILITY_WORDS, "missing file")
            return 0
        seen: dict[str, int] = {}
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            self.error(FACILITY_WORDS, "no newline at end of file")
        for lineno, line in enumerate(raw.decode("utf-8").split("\n"), start=1):
            where = f"{FACILITY_WORDS}:{lineno}"
            if line != line.rstrip():
                self.error(where, "trailing whitespace")
            word = line.strip()
            if not word or word.startswith("#"):
                continue
            if not WORD_RE.match(word):
                self.error(where, f"{word!r} is not one lowercase Russian word")
            if word in seen:
                self.error(where, f"{word!r} repeats line {seen[word]}")
            seen[word] = lineno
        return len(seen)

    # -- driver ----------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        countries = self.load("countries.tsv")
        overlay = self.load("countries_overlay.tsv")
        places = self.load("places.tsv")
        orgs = self.load("orgs.tsv")

        by_code = self.check_countries(countries, "countries.tsv")
        self.check_countries(overlay, "countries_overlay.tsv")
        codes = set(by_code)
        stray = sorted({row.cells["iso3"] for row in overlay} - codes)
        if stray:
            self.error("countries_overlay.tsv", f"codes missing from countries.tsv: {stray}")

        self.check_types(places, PLACE_TYPES)
        self.check_types(orgs, ORG_TYPES)
        self.check_refs(places, ("country", "capital_of"), codes)
        self.check_refs(orgs, ("country", "metonym_of"), codes)
        self.check_metonyms(orgs)
        self.check_capitals(by_code, places)

        for rows in (countries, places, orgs):
            self.check_unique_names(rows)
            self.check_yo(rows)
        self.check_cross_file(countries, places, orgs)
        words = self.check_facility_words()
        return {
            "countries.tsv": len(countries),
            "countries_overlay.tsv": len(overlay),
            "places.tsv": len(places),
            "orgs.tsv": len(orgs),
            FACILITY_WORDS: words,
        }


def main() -> int:
    checker = Checker(DATA_DIR)
    counts = checker.run()
    for error in checker.errors:
        print(error)
    summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
    if checker.errors:
        print(f"{len(checker.errors)} problem(s); {summary}", file=sys.stderr)
        return 1
    print(f"ok; {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
