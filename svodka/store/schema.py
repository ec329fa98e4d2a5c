"""The store's DuckDB schema as numbered migrations.

A migration is applied once, in its own transaction, and recorded in `schema_version`; a store
is at the highest version recorded there. Never edit a released migration: add the next one.
Version 1 holds one row set per article (the `svodka/article@1` record, flattened); version 2
adds the cross-article tables that `Store.rebuild_clusters` recomputes.
"""

from __future__ import annotations

from typing import Any

# `end` is an SQL keyword, hence the quotes; the column names follow the record's fields.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            url VARCHAR,
            path VARCHAR,
            outlet VARCHAR,
            language VARCHAR,
            headline VARCHAR,
            published VARCHAR,
            published_date DATE,
            updated VARCHAR,
            dateline_place VARCHAR,
            dateline_date VARCHAR,
            dateline_agency VARCHAR,
            lead VARCHAR,
            text VARCHAR NOT NULL,
            record VARCHAR NOT NULL,   -- the article@1 JSON without `text`
            n_entities INTEGER,
            n_quotes INTEGER,
            n_events INTEGER,
            n_timexes INTEGER,
            minhash UINTEGER[],        -- datasketch affine32 MinHash of word 3-grams
            ingested_at TIMESTAMP DEFAULT current_timestamp
        )""",
        """CREATE TABLE entities (
            article_id VARCHAR NOT NULL,
            id VARCHAR NOT NULL,
            type VARCHAR,
            name VARCHAR,
            kb VARCHAR,
            country VARCHAR,
            roles VARCHAR[],
            n_mentions INTEGER,
            own_key VARCHAR            -- actor key from this entity alone (normal.actor_key)
        )""",
        """CREATE TABLE mentions (
            article_id VARCHAR NOT NULL,
            entity_id VARCHAR NOT NULL,
            start INTEGER,
            "end" INTEGER,
            text VARCHAR,
            kind VARCHAR
        )""",
        """CREATE TABLE quotes (
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            speaker VARCHAR,
            kind VARCHAR,
            text VARCHAR,
            start INTEGER,
            "end" INTEGER,
            cue VARCHAR
        )""",
        """CREATE TABLE events (
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            type VARCHAR,
            cameo VARCHAR,
            mode VARCHAR,
            source VARCHAR[],
            target VARCHAR[],
            location VARCHAR,
            date VARCHAR,
            duration VARCHAR,
            intent BOOLEAN,
            negated BOOLEAN,
            trigger_start INTEGER,
            trigger_end INTEGER,
            trigger_text VARCHAR,
            sentence_start INTEGER,
            sentence_end INTEGER
        )""",
        """CREATE TABLE timexes (
            article_id VARCHAR NOT NULL,
            start INTEGER,
            "end" INTEGER,
            text VARCHAR,
            value VARCHAR
        )""",
        """CREATE TABLE errors (
            input VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            recorded_at TIMESTAMP DEFAULT current_timestamp
        )""",
    ),
    2: (
        # Bookkeeping: `clustered_articles`, the article count the last rebuild saw.
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        # Each per-article entity's cross-article actor.
        """CREATE TABLE actor_keys (
            article_id VARCHAR NOT NULL,
            entity_id VARCHAR NOT NULL,
            key VARCHAR NOT NULL
        )""",
        """CREATE TABLE actors (
            key VARCHAR NOT NULL,
            name VARCHAR,
            type VARCHAR,
            country VARCHAR,
            kb VARCHAR,
            roles VARCHAR[],
            n_articles INTEGER,
            n_quotes INTEGER,
            n_events INTEGER
        )""",
        """CREATE TABLE actor_names (
            key VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            folded VARCHAR NOT NULL
        )""",
        # Syndicated copies: an article whose text nearly equals an earlier one's.
        """CREATE TABLE duplicates (
            article_id VARCHAR NOT NULL,
            original_id VARCHAR NOT NULL,
            similarity DOUBLE
        )""",
        """CREATE TABLE quote_clusters (
            id VARCHAR NOT NULL,
            text VARCHAR,
            speaker_key VARCHAR,
            speaker_name VARCHAR,
            first_seen VARCHAR,
            n_occurrences INTEGER
        )""",
        """CREATE TABLE quote_occurrences (
            cluster_id VARCHAR NOT NULL,
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            start INTEGER,
            "end" INTEGER,
            text VARCHAR
        )""",
        """CREATE TABLE event_clusters (
            id VARCHAR NOT NULL,
            type VARCHAR,
            cameo VARCHAR,
            mode VARCHAR,
            date VARCHAR,
            date_start DATE,
            date_end DATE,
            source_keys VARCHAR[],
            target_keys VARCHAR[],
            location_key VARCHAR,
            location VARCHAR,
            intent BOOLEAN,
            negated BOOLEAN,
            first_seen VARCHAR,
            n_sources INTEGER
        )""",
        """CREATE TABLE event_sources (
            cluster_id VARCHAR NOT NULL,
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            trigger VARCHAR,
            trigger_start INTEGER,
            trigger_end INTEGER
        )""",
        """CREATE TABLE timelines (
            actor_key VARCHAR NOT NULL,
            date VARCHAR,
            kind VARCHAR NOT NULL,     -- quote | event
            item_id VARCHAR NOT NULL,  -- quote or event cluster id
            type VARCHAR,              -- PLOVER type of an event; quote kind of a quote
            role VARCHAR,              -- source | target | location | speaker
            text VARCHAR
        )""",
        """CREATE TABLE dyads (
            source_key VARCHAR NOT NULL,
            target_key VARCHAR NOT NULL,
            month VARCHAR NOT NULL,
            type VARCHAR NOT NULL,
            mutual BOOLEAN NOT NULL,   -- all participants were sources: counts both ways
            count INTEGER NOT NULL
        )""",
    ),
}

SCHEMA_VERSION = max(MIGRATIONS)

# The tables `rebuild_clusters` recomputes wholesale, in dependency order.
DERIVED_TABLES = (
    "actor_keys",
    "actors",
    "actor_names",
    "duplicates",
    "quote_clusters",
    "quote_occurrences",
    "event_clusters",
    "event_sources",
    "timelines",
    "dyads",
)
ARTICLE_TABLES = ("articles", "entities", "mentions", "quotes", "events", "timexes")
TABLES = (*ARTICLE_TABLES, "errors", "meta", *DERIVED_TABLES)


def version(con: Any) -> int:
    """The schema version of an open store; 0 for an empty database."""
    # fetchall, not fetchone: DuckDB 2 refuses other work while a result is unfinished.
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    return int(row[0] or 0)


def migrate(con: Any) -> list[int]:
    """Apply the migrations the store lacks, each atomically; the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    applied = []
    for number in sorted(MIGRATIONS):
        if number <= version(con):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in MIGRATIONS[number]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [number])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
