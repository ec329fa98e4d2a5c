"""Validate the role lexicon and the office-holder table in ``svodka/kb/data``.

roles.tsv (``lemma office gender kind``):

* header, column count, clean cells (no padding, no double spaces, no ``|``);
* ``lemma`` is lower case, words separated by single spaces, unique;
* ``office`` is a snake_case class or empty; ``gender`` is ``m``, ``f`` or empty;
  ``kind`` is one of office / occupation / relation / generic; an ``office`` kind row
  (except titles such as шейх) names its office class, other kinds leave it empty.

office_holders.tsv (``name aliases qid gender country office start end``):

* header, column count, clean cells; names and aliases written in Cyrillic (Roman
  numerals of monarchs allowed), every "ё" spelling has its "е" twin in the same row;
* ``office`` is a class used in roles.tsv; ``gender`` is ``m`` or ``f``; ``qid`` looks
  like ``Q123``; one person (name) keeps the same qid, gender and aliases on every row;
* ``country`` is an ISO3 code (checked against countries.tsv when that file exists) or one
  of the international organisations in ``ORGS`` (checked against orgs.tsv when it exists);
* ``start`` and ``end`` are ISO dates (``end`` empty while in office), ``start < end``;
* terms are half-open ``[start, end)`` — the handover day belongs to the successor — and
  no two terms of one office in one country overlap, except for the co-held offices in
  ``CO_HELD``.

Usage::

    python scripts/check_roles.py   # prints problems, exits 1 if there are any
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "svodka" / "kb" / "data"

ROLES = "roles.tsv"
HOLDERS = "office_holders.tsv"
COUNTRIES = "countries.tsv"
ORGS_FILE = "orgs.tsv"

ROLES_HEADER = ("lemma", "office", "gender", "kind")
HOLDERS_HEADER = ("name", "aliases", "qid", "gender", "country", "office", "start", "end")

KINDS = frozenset({"office", "occupation", "relation", "generic"})
# "office" rows that are titles without an office class of their own.
TITLES_WITHOUT_OFFICE = frozenset({"шейх"})

# International organisations whose heads are listed, by the name the KB knows them by.
ORGS = frozenset({"ООН", "НАТО", "Еврокомиссия"})

# (country, office) pairs, or offices anywhere ("*"), that several people hold at once.
CO_HELD: frozenset[tuple[str, str]] = frozenset({("*", "deputy_head_of_government")})

ISO3_RE = re.compile(r"^(?:[A-Z]{3}|X-[A-Z]{3})$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLASS_RE = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
LEMMA_WORD_RE = re.compile(r"^[а-яё]+(?:-[а-яё]+)*$")
NAME_WORD_RE = re.compile(r"^(?:[А-ЯЁа-яё]+(?:['-][А-ЯЁа-яё]+)*|[IVX]+)$")


@dataclass(frozen=True)
class Row:
    file: str
    lineno: int
    cells: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.lineno}"

    def items(self, column: str) -> list[str]:
        value = self.cells[column]
        return value.split("|") if value else []


class Checker:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def load(self, filename: str, header: tuple[str, ...]) -> list[Row]:
        path = self.data_dir / filename
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
            cells = line.split("\t")
            if len(cells) != len(header):
                self.error(where, f"{len(cells)} columns, expected {len(header)}")
                continue
            row = Row(filename, lineno, dict(zip(header, cells, strict=True)))
            for column, value in row.cells.items():
                if value != value.strip() or "  " in value:
                    self.error(where, f"{column}: stray whitespace in {value!r}")
                if "|" in value and column != "aliases":
                    self.error(where, f"{column}: '|' in a single-valued column")
            rows.append(row)
        return rows

    # -- roles.tsv ---------------------------------------------------------------------

    def check_roles(self, rows: list[Row]) -> set[str]:
        seen: dict[str, Row] = {}
        offices: set[str] = set()
        for row in rows:
            lemma, office = row.cells["lemma"], row.cells["office"]
            gender, kind = row.cells["gender"], row.cells["kind"]
            words = lemma.split(" ")
            if not all(LEMMA_WORD_RE.match(w) for w in words if w != "и") or not lemma:
                self.error(row.where, f"lemma {lemma!r} is not lower-case Cyrillic words")
            if "ё" in lemma:
                self.error(row.where, f"lemma {lemma!r}: write 'е' (lemmas fold 'ё')")
            if lemma in seen:
                self.error(row.where, f"duplicate lemma {lemma!r} (see {seen[lemma].where})")
            seen[lemma] = row
            if gender not in {"", "m", "f"}:
                self.error(row.where, f"gender {gender!r} not m, f or empty")
            if kind not in KINDS:
                self.error(row.where, f"kind {kind!r} not in {sorted(KINDS)}")
            if office:
                if not CLASS_RE.match(office):
                    self.error(row.where, f"office {office!r} is not a snake_case class")
                offices.add(office)
                if kind != "office":
                    self.error(row.where, f"office {office!r} on a {kind!r} row")
            elif kind == "office" and lemma not in TITLES_WITHOUT_OFFICE:
                self.error(row.where, "office row without an office class")
        return offices

    # -- office_holders.tsv ------------------------------------------------------------

    def check_name(self, row: Row, name: str) -> None:
        if not all(NAME_WORD_RE.match(word) for word in name.split(" ")):
            self.error(row.where, f"name {name!r} is not written in Cyrillic words")

    def parse_date(self, row: Row, column: str) -> date | None:
        value = row.cells[column]
        if not DATE_RE.match(value):
            self.error(row.where, f"{column} {value!r} is not YYYY-MM-DD")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(row.where, f"{column} {value!r} is not a calendar date")
            return None

    def check_holders(
        self, rows: list[Row], offices: set[str], countries: set[str] | None, orgs: set[str] | None
    ) -> None:
        person: dict[str, Row] = {}
        terms: dict[tuple[str, str], list[tuple[date, date | None, Row]]] = defaultdict(list)
        for row in rows:
            cells = row.cells
            names = [cells["name"], *row.items("aliases")]
            if not cells["name"]:
                self.error(row.where, "empty name")
            for name in names:
                self.check_name(row, name)
                plain = name.replace("ё", "е").replace("Ё", "Е")
                if plain != name and plain not in names:
                    self.error(row.where, f"{name!r} lacks its 'е' spelling")
            if len(set(names)) != len(names):
                self.error(row.where, "repeated name or alias")
            if cells["qid"] and not QID_RE.match(cells["qid"]):
                self.error(row.where, f"malformed qid {cells['qid']!r}")
            if cells["gender"] not in {"m", "f"}:
                self.error(row.where, f"gender {cells['gender']!r} not m or f")
            first = person.setdefault(cells["name"], row)
            for column in ("aliases", "qid", "gender"):
                if first.cells[column] != cells[column]:
                    self.error(row.where, f"{column} differs from {first.where} for one person")
            if cells["office"] not in offices:
                self.error(row.where, f"office {cells['office']!r} is not a roles.tsv class")
            country = cells["country"]
            if country in ORGS:
                if orgs is not None and country.casefold() not in orgs:
                    self.error(row.where, f"organisation {country!r} is not in {ORGS_FILE}")
            elif not ISO3_RE.match(country):
                self.error(row.where, f"country {country!r} is neither ISO3 nor in ORGS")
            elif countries is not None and country not in countries:
                self.error(row.where, f"country {country!r} is not in {COUNTRIES}")
            start = self.parse_date(row, "start")
            end = self.parse_date(row, "end") if cells["end"] else None
            if start is None:
                continue
            if end is not None and not start < end:
                self.error(row.where, f"start {start} is not before end {end}")
            terms[(country, cells["office"])].append((start, end, row))
        for (country, office), spans in sorted(terms.items()):
            if ("*", office) in CO_HELD or (country, office) in CO_HELD:
                continue
            spans.sort(key=lambda span: span[0])
            # Compare each term with the earlier term that runs longest.
            _, last_end, last_row = spans[0]
            for start, end, row in spans[1:]:
                if last_end is None or start < last_end:
                    self.error(
                        row.where,
                        f"{office} of {country}: term overlaps {last_row.where} "
                        f"({last_row.cells['name']})",
                    )
                if last_end is not None and (end is None or end > last_end):
                    last_end, last_row = end, row

    # -- references --------------------------------------------------------------------

    def known_countries(self) -> set[str] | None:
        path = self.data_dir / COUNTRIES
        if not path.exists():
            return None
        lines = path.read_text("utf-8").splitlines()
        return {line.split("\t", 1)[0] for line in lines[1:] if line.strip()}

    def known_orgs(self) -> set[str] | None:
        path = self.data_dir / ORGS_FILE
        if not path.exists():
            return None
        lines = path.read_text("utf-8").splitlines()
        header = lines[0].split("\t")
        names: set[str] = set()
        for line in lines[1:]:
            cells = dict(zip(header, line.split("\t"), strict=False))
            for name in [cells.get("name", ""), *cells.get("aliases", "").split("|")]:
                if name:
                    names.add(name.casefold())
        return names

    def run(self) -> list[str]:
        offices = self.check_roles(self.load(ROLES, ROLES_HEADER))
        holders = self.load(HOLDERS, HOLDERS_HEADER)
        self.check_holders(holders, offices, self.known_countries(), self.known_orgs())
        return self.errors


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0]) if args else DATA_DIR
    errors = Checker(data_dir).run()
    for line in errors:
        print(line)
    if errors:
        print(f"{len(errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"{ROLES} and {HOLDERS}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
