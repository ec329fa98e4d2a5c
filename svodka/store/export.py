"""Exports of the store: article records as JSON Lines, every table as Parquet, and events as
a GDELT 2.0-style event table (tab-separated, GDELT's 61 columns in GDELT's order).

GDELT mapping (one row per cross-article event): the day is the event's date (a partial date
takes its first day: `2024-07` → 20240701); actor codes follow CAMEO's scheme — country
(ISO 3166-1 alpha-3, as CAMEO uses) + role (`RUSGOV`), `IGO` + group for international
organisations (`IGOUNO`); QuadClass and Goldstein come from the CAMEO code; NumArticles and
NumSources count the event's reports and outlets; ActionGeo carries the place's name and a
type (1 country, 4 city or other place) but no FIPS code or coordinates, which svodka does not
have; AvgTone is left empty; DATEADDED is when the event was first published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import pyarrow.parquet as pq

from svodka.corpus.clusters import date_span
from svodka.corpus.normal import words
from svodka.store import schema
from svodka.store.store import Store

GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip


def export_jsonl(store: Store, out: TextIO) -> int:
    """Every article record, one JSON object a line, in id order; the count."""
    n = 0
    for article in store.iter_articles():
        out.write(article.to_json() + "\n")
        n += 1
    return n


def export_parquet(store: Store, folder: Path) -> dict[str, int]:
    """One Parquet file per store table (`articles.parquet`, …); rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in ("schema_version", *schema.TABLES):
        # Table names come from the schema module, never from input.
        relation = store.con.sql(f"SELECT * FROM {table}")
        # A streaming reader: DuckDB 2 calls it to_arrow_reader, DuckDB 1 record_batch.
        to_reader = getattr(relation, "to_arrow_reader", None) or relation.record_batch
        reader = to_reader(65536)
        path = folder / f"{table}.parquet"
        with pq.ParquetWriter(path, reader.schema) as writer:
            rows = 0
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
        counts[table] = rows
    return counts


# --- GDELT ---------------------------------------------------------------------------------


@cache
def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("svodka.store").joinpath("data", name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"), strict=False)) for ln in lines[1:]]


@cache
def _cameo() -> dict[str, tuple[int, float]]:
    return {r["code"]: (int(r["quadclass"]), float(r["goldstein"])) for r in _table("cameo.tsv")}


def _roles(texts: list[str]) -> tuple[str, str]:
    """(type code, known group code) from an actor's roles or name: the first table row
    whose prefix starts a word of them."""
    folded = [" ".join(words(t)) for t in texts if t]
    for row in _table("actor_types.tsv"):
        prefix = row["prefix"]
        if any(f.startswith(prefix) or f" {prefix}" in f" {f}" for f in folded):
            return (row["code"], "") if row["kind"] == "type" else ("", row["code"])
    return "", ""


def actor_code(actor: dict[str, Any] | None) -> dict[str, str]:
    """CAMEO-style code, name, country, known group and type of an actor."""
    if not actor:
        return {"code": "", "name": "", "country": "", "group": "", "type": ""}
    country = actor.get("country") or ""
    texts = list(actor.get("roles") or ())
    if actor.get("type") == "ORG":  # an organisation's name says what it is
        texts.append(actor.get("name") or "")
    type_code, group = ("", "") if actor.get("type") == "GPE" else _roles(texts)
    code = ("IGO" + group) if group else country + type_code
    return {
        "code": code,
        "name": (actor.get("name") or "").upper(),
        "country": country,
        "group": group,
        "type": type_code,
    }


def _sqldate(date: str | None) -> dt.date | None:
    span = date_span(date)
    return span[0] if span else None


def gdelt_rows(store: Store) -> Iterator[list[str]]:
    """The GDELT-style rows of every cross-article event, oldest first."""
    actors = {a["key"]: a for a in store.entities_by_key(_all_keys(store))}
    events = store.con.execute(
        """SELECT id, type, cameo, date, source_keys, target_keys, location_key, location,
                  first_seen, n_sources
           FROM event_clusters ORDER BY date_start NULLS LAST, id"""
    ).fetchall()
    sources: dict[str, list[tuple[str, str | None, str | None, int]]] = {}
    for cid, aid, outlet, url, ts, lead in store.con.execute(
        """SELECT s.cluster_id, s.article_id, a.outlet, a.url, s.trigger_start,
                  length(coalesce(a.headline, '')) + length(coalesce(a.lead, '')) + 2
           FROM event_sources s JOIN articles a ON a.id = s.article_id
           ORDER BY a.published NULLS LAST, s.article_id"""
    ).fetchall():
        sources.setdefault(cid, []).append((aid, outlet, url, int(ts or 0) < int(lead or 0)))
    for n, (cid, _type, cameo, date, src, tgt, loc_key, loc, first_seen, n_sources) in enumerate(
        events, 1
    ):
        day = _sqldate(date)
        if day is None or not cameo:
            continue  # GDELT rows need a day and an event code
        a1 = actor_code(actors.get(src[0]) if src else None)
        a2 = actor_code(actors.get(tgt[0]) if tgt else None)
        quad, goldstein = _cameo().get(
            cameo, _cameo().get(cameo[:3], _cameo().get(cameo[:2], (0, 0.0)))
        )
        reports = sources.get(cid, [])
        place = actors.get(loc_key) if loc_key else None
        geo_type = "" if not loc else ("1" if place and place.get("type") == "GPE" else "4")
        added = _dateadded(first_seen) or day.strftime("%Y%m%d000000")
        url = next((u for _, _, u, _ in reports if u), reports[0][0] if reports else "")
        row = {
            "GLOBALEVENTID": str(n),
            "SQLDATE": day.strftime("%Y%m%d"),
            "MonthYear": day.strftime("%Y%m"),
            "Year": str(day.year),
            "FractionDate": f"{day.year + (day.month * 30 + day.day) / 365:.4f}",
            "Actor1Code": a1["code"], "Actor1Name": a1["name"], "Actor1CountryCode": a1["country"],
            "Actor1KnownGroupCode": a1["group"], "Actor1Type1Code": a1["type"],
            "Actor2Code": a2["code"], "Actor2Name": a2["name"], "Actor2CountryCode": a2["country"],
            "Actor2KnownGroupCode": a2["group"], "Actor2Type1Code": a2["type"],
            "IsRootEvent": "1" if any(r[3] for r in reports) else "0",
            "EventCode": cameo,
            "EventBaseCode": cameo[:3],
            "EventRootCode": cameo[:2],
            "QuadClass": str(quad),
            "GoldsteinScale": f"{goldstein:.1f}",
            "NumMentions": str(n_sources),
            "NumSources": str(len({r[1] or r[0] for r in reports})),
            "NumArticles": str(len({r[0] for r in reports})),
            "ActionGeo_Type": geo_type,
            "ActionGeo_FullName": loc or "",
            "DATEADDED": added,
            "SOURCEURL": url,
        }  # fmt: skip
        yield [row.get(col, "") for col in GDELT_COLUMNS]


def _all_keys(store: Store) -> list[str]:
    return [r[0] for r in store.con.execute("SELECT key FROM actors").fetchall()]


def _dateadded(published: str | None) -> str | None:
    if not published:
        return None
    try:
        moment = dt.datetime.fromisoformat(published)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y%m%d%H%M%S")


def export_gdelt(store: Store, out: TextIO, header: bool = False) -> int:
    """Write the GDELT-style event table (no header row, like GDELT's files, unless asked)."""
    n = 0
    if header:
        out.write("\t".join(GDELT_COLUMNS) + "\n")
    for row in gdelt_rows(store):
        out.write("\t".join(_cell(v) for v in row) + "\n")
        n += 1
    return n


def _cell(value: str) -> str:
    return " ".join(value.split())  # a tab or newline inside a cell would break the row


__all__ = ["GDELT_COLUMNS", "actor_code", "export_gdelt", "export_jsonl", "export_parquet"]
