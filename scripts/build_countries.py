"""Build ``svodka/kb/data/countries.tsv``.

Sources, in order of precedence (later wins):

1. ``pycountry`` -- the ISO 3166-1 list (alpha-3 codes) of countries and territories;
2. ``babel`` -- ``Locale("ru").territories`` for a Russian (CLDR) name of each of them;
3. ``svodka/kb/data/countries_overlay.tsv`` -- hand-curated fixes and additions in the
   same columns as the output.

Overlay semantics, per row (matched on ``iso3``):

* ``name`` -- replaces the babel name; the babel name is kept as an alias when it is a
  clean name (no parentheses, no "Конго - Киншаса"-style qualifiers);
* ``aliases``, ``adjectives``, ``demonyms`` -- appended to what is already there;
* ``qid``, ``capital`` -- replace the value when non-empty;
* a row whose ``iso3`` is not an ISO code adds a new entry: a user-assigned code
  (``XKX`` for Kosovo) or an invented, clearly marked ``X-AAA`` code for partially
  recognised or self-proclaimed states.

For every name or alias spelled with "ё" the "е" spelling is added as an alias, because
most Russian media do not print "ё".

The script needs no network: pycountry and babel ship their data.

Usage::

    python scripts/build_countries.py           # (re)write countries.tsv
    python scripts/build_countries.py --check   # exit 1 if countries.tsv is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from babel import Locale

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "svodka" / "kb" / "data"
OVERLAY_PATH = DATA_DIR / "countries_overlay.tsv"
OUTPUT_PATH = DATA_DIR / "countries.tsv"

COLUMNS: tuple[str, ...] = (
    "iso3",
    "qid",
    "name",
    "aliases",
    "adjectives",
    "demonyms",
    "capital",
)
MULTI_VALUED: frozenset[str] = frozenset({"aliases", "adjectives", "demonyms"})
SEP = "|"

# Uninhabited ISO 3166-1 entries that news never treat as political units.
# Antarctica is listed in places.tsv as a continent instead.
EXCLUDED_ALPHA2: frozenset[str] = frozenset({"AQ", "BV", "GS", "HM", "TF", "UM"})

# CLDR abbreviates some Russian names; expand them before using them as aliases.
BABEL_EXPANSIONS: tuple[tuple[str, str], ...] = (
    ("о-ва", "острова"),
    ("о-в", "остров"),
    ("Св.", "Святой"),
)

ISO3_RE = re.compile(r"^[A-Z]{3}$")
INVENTED_CODE_RE = re.compile(r"^X-[A-Z]{3}$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")


class BuildError(Exception):
    """Raised when the inputs are inconsistent."""


@dataclass
class Country:
    """One row of countries.tsv."""

    iso3: str
    qid: str = ""
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    capital: str = ""

    def to_row(self) -> list[str]:
        return [
            self.iso3,
            self.qid,
            self.name,
            SEP.join(self.aliases),
            SEP.join(self.adjectives),
            SEP.join(self.demonyms),
            self.capital,
        ]


def split_multi(cell: str) -> list[str]:
    """Split a ``|``-separated cell; an empty cell gives an empty list."""
    return [part.strip() for part in cell.split(SEP) if part.strip()] if cell else []


def unique(items: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """Order-preserving de-duplication that also drops anything in ``exclude``."""
    seen = set(exclude)
    out: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def yo_to_ye(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def with_ye_variants(name: str, aliases: Sequence[str]) -> list[str]:
    """Return ``aliases`` plus the "е" spelling of every name spelled with "ё"."""
    extra = [yo_to_ye(item) for item in (name, *aliases) if yo_to_ye(item) != item]
    return unique([*aliases, *extra], exclude=[name])


def clean_babel_name(raw: str) -> str | None:
    """Expand CLDR abbreviations; return None for names news would never print."""
    name = raw.strip()
    for short, full in BABEL_EXPANSIONS:
        name = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", full, name)
    if any(mark in name for mark in ("(", ")", " - ")):
        return None
    return name or None


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Read a headed TSV file with exactly the countries.tsv columns."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise BuildError(f"{path}: empty file")
    header = tuple(lines[0].split("\t"))
    if header != COLUMNS:
        raise BuildError(f"{path}: header {header!r} != {COLUMNS!r}")
    rows: list[dict[str, str]] = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise BuildError(f"{path}:{lineno}: {len(cells)} columns, expected {len(COLUMNS)}")
        rows.append(dict(zip(COLUMNS, (cell.strip() for cell in cells), strict=True)))
    return rows


def base_countries() -> dict[str, tuple[Country, str | None]]:
    """ISO entries with their babel name: iso3 -> (country, clean babel name)."""
    territories = Locale("ru").territories
    result: dict[str, tuple[Country, str | None]] = {}
    for entry in pycountry.countries:
        if entry.alpha_2 in EXCLUDED_ALPHA2:
            continue
        raw = territories.get(entry.alpha_2, "")
        babel_name = clean_babel_name(raw) if raw else None
        result[entry.alpha_3] = (Country(iso3=entry.alpha_3, name=babel_name or ""), babel_name)
    return result


def apply_overlay(
    base: dict[str, tuple[Country, str | None]], overlay: list[dict[str, str]]
) -> tuple[list[Country], list[str]]:
    """Merge overlay rows into the ISO entries; return countries and ISO codes left as-is."""
    excluded_iso3 = {
        entry.alpha_3 for entry in pycountry.countries if entry.alpha_2 in EXCLUDED_ALPHA2
    }
    countries = {iso3: country for iso3, (country, _) in base.items()}
    babel_names = {iso3: babel for iso3, (_, babel) in base.items()}
    touched: set[str] = set()

    for row in overlay:
        iso3 = row["iso3"]
        if iso3 in touched:
            raise BuildError(f"overlay: duplicate row for {iso3}")
        touched.add(iso3)
        if iso3 in excluded_iso3:
            raise BuildError(f"overlay: {iso3} is excluded from the knowledge base")
        if row["qid"] and not QID_RE.match(row["qid"]):
            raise BuildError(f"overlay: {iso3}: malformed qid {row['qid']!r}")
        if iso3 not in countries:
            if not (ISO3_RE.match(iso3) or INVENTED_CODE_RE.match(iso3)):
                raise BuildError(f"overlay: {iso3!r} is neither AAA nor X-AAA")
            if not row["name"]:
                raise BuildError(f"overlay: new entry {iso3} needs a name")
            countries[iso3] = Country(iso3=iso3)
            babel_names[iso3] = None

        country = countries[iso3]
        if row["name"]:
            country.name = row["name"]
        if row["qid"]:
            country.qid = row["qid"]
        if row["capital"]:
            country.capital = row["capital"]
        country.aliases = unique(
            [*country.aliases, *split_multi(row["aliases"])], exclude=[country.name]
        )
        country.adjectives = unique([*country.adjectives, *split_multi(row["adjectives"])])
        country.demonyms = unique([*country.demonyms, *split_multi(row["demonyms"])])

    for iso3, country in countries.items():
        babel_name = babel_names.get(iso3)
        known = {item.casefold() for item in (country.name, *country.aliases)}
        if babel_name and babel_name.casefold() not in known:
            country.aliases.append(babel_name)
        if not country.name:
            raise BuildError(f"{iso3}: no usable Russian name; add it to the overlay")
        country.aliases = with_ye_variants(country.name, country.aliases)

    untouched = sorted(set(base) - touched)
    return sorted(countries.values(), key=lambda c: c.iso3), untouched


def validate(countries: Sequence[Country]) -> None:
    """Fail on duplicate codes or on a name shared by two entries."""
    owner: dict[str, str] = {}
    for country in countries:
        for item in (country.name, *country.aliases):
            key = yo_to_ye(item).casefold()
            if key in owner and owner[key] != country.iso3:
                raise BuildError(f"name {item!r} used by {owner[key]} and {country.iso3}")
            owner[key] = country.iso3
    codes = [country.iso3 for country in countries]
    if len(codes) != len(set(codes)):
        raise BuildError("duplicate iso3 codes")


def render(countries: Sequence[Country]) -> str:
    lines = ["\t".join(COLUMNS)]
    lines.extend("\t".join(country.to_row()) for country in countries)
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if countries.tsv is stale"
    )
    args = parser.parse_args(argv)

    try:
        countries, untouched = apply_overlay(base_countries(), read_tsv(OVERLAY_PATH))
        validate(countries)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    text = render(countries)
    if untouched:
        print(f"note: no overlay row for {', '.join(untouched)}", file=sys.stderr)
    if args.check:
        current = OUTPUT_PATH.read_text(encoding="utf-8") if OUTPUT_PATH.exists() else ""
        if current != text:
            print(f"{OUTPUT_PATH} is stale; run scripts/build_countries.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT_PATH.name} is up to date ({len(countries)} rows)")
        return 0
    OUTPUT_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT_PATH.relative_to(ROOT)}: {len(countries)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
