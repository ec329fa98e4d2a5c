"""Per actor a timeline (its events and quotations by date); per pair of actors a dyad series
(events by PLOVER type and month). Both are built from clusters, so an event that ten outlets
reported counts once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from svodka.corpus.clusters import EventCluster, QuoteCluster


def timeline_rows(
    quotes: Iterable[QuoteCluster], events: Iterable[EventCluster]
) -> list[dict[str, Any]]:
    """Rows of the `timelines` table: one per (actor, event or quotation)."""
    rows: list[dict[str, Any]] = []
    for q in quotes:
        if q.speaker_key:
            rows.append(
                {
                    "actor_key": q.speaker_key,
                    "date": (q.first_seen or "")[:10] or None,
                    "kind": "quote",
                    "item_id": q.id,
                    "type": q.occurrences[0].kind,
                    "role": "speaker",
                    "text": q.text,
                }
            )
    for e in events:
        roles = {k: "target" for k in e.targets}
        roles.update({k: "source" for k in e.sources})
        if e.location_key and e.location_key not in roles:
            roles[e.location_key] = "location"
        for key, role in roles.items():
            rows.append(
                {
                    "actor_key": key,
                    "date": e.date,
                    "kind": "event",
                    "item_id": e.id,
                    "type": e.type,
                    "role": role,
                    "text": e.members[0].trigger,
                }
            )
    rows.sort(key=lambda r: (r["actor_key"], r["date"] or "~", r["kind"], r["item_id"]))
    return rows


def dyad_rows(events: Iterable[EventCluster]) -> list[dict[str, Any]]:
    """Rows of the `dyads` table: (source actor, target actor, month, type) → events. An
    event whose participants are all sources (`they thanked each other`) is mutual: one row
    for the pair, which counts in both directions."""
    counts: Counter[tuple[str, str, str, str, bool]] = Counter()
    for e in events:
        if not e.date or len(e.date) < 7:
            continue  # a year-only date has no month to count in
        month = e.date[:7]
        mutual = not e.targets
        if mutual:
            ordered = sorted(e.sources)
            pairs = {(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]}
        else:
            pairs = {(s, t) for s in e.sources for t in e.targets if s != t}
        for s, t in pairs:
            counts[(s, t, month, e.type, mutual)] += 1
    return [
        {"source_key": s, "target_key": t, "month": m, "type": ty, "mutual": mu, "count": n}
        for (s, t, m, ty, mu), n in sorted(counts.items())
    ]
