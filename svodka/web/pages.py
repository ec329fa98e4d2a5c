"""The UI's pages: each reads the store through the same calls as the JSON API, then renders."""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from svodka import digest as dg
from svodka.records import Article
from svodka.web.charts import stacked_months
from svodka.web.markup import mark_up

router = APIRouter()

PAGE = 50
PAGE_ITEMS = 1000  # quotations or events an actor page lists at most
Text = Annotated[str | None, Query(max_length=200)]
_LOCAL_ID = re.compile(r"^(?P<article>.+):(?P<kind>[qv])(?P<n>\d+)$")


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    env = request.app.state.templates
    body = env.get_template(template).render(request=request, **context)
    return HTMLResponse(body, status_code=status)


def _not_found(request: Request, what: str) -> HTMLResponse:
    return _page(request, "error.html", status=404, title="Не найдено", message=what)


def _db(request: Request) -> Any:
    return request.app.state.store


def actor_href(key: str) -> str:
    return f"/actors/{quote(key, safe='')}"


def item_href(kind: str, item_id: str, where: str | None = None) -> str | None:
    """Where a digest's quote or event id leads: the place in an article that reports it, else
    the event's own digest."""
    for candidate in (where, item_id):
        m = _LOCAL_ID.match(candidate or "")
        if m is not None:
            return f"/articles/{quote(m['article'], safe='')}#{m['kind']}{m['n']}"
    return "/digest?" + urlencode({"event": item_id}) if kind == "event" else None


def resolve_actor(db: Any, text: str | None) -> dict[str, Any] | None:
    """An actor by key, else by the best match for a name form."""
    if not text:
        return None
    found = db.entity(text)
    if found is not None:
        return dict(found)
    rows = db.entities(q=text, limit=1)
    return dict(rows[0]) if rows else None


def _names(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Actor key → name, from the names the store puts beside each event's keys."""
    out: dict[str, str] = {}
    for row in rows:
        for side in ("source", "target"):
            keys = row.get(f"{side}_keys") or ()
            names = row.get(f"{side}_names") or keys
            out.update(zip(map(str, keys), map(str, names), strict=False))
    return out


@router.get("/", response_class=HTMLResponse)
def index(request: Request, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> HTMLResponse:
    db = _db(request)
    articles = db.articles(limit=PAGE, offset=offset)
    actors = db.entities(limit=24) if offset == 0 else []
    return _page(
        request,
        "index.html",
        title="Статьи",
        articles=articles,
        actors=actors,
        offset=offset,
        page=PAGE,
        actor_href=actor_href,
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    record: Article | None = _db(request).article(article_id)
    if record is None:
        return _not_found(request, f"Статьи {article_id} нет в базе.")
    return _page(request, "article.html", **article_context(record))


def article_context(record: Article) -> dict[str, Any]:
    """What the article page shows: marked-up text, its entities, quotes, events and digest."""
    from svodka.corpus.normal import actor_key

    names = {e.id: e.name for e in record.entities}
    entities = {
        e.id: {
            "name": e.name,
            "type": e.type,
            "country": e.country,
            "kb": e.kb,
            "roles": list(e.roles),
            "mentions": len(e.mentions),
            "href": actor_href(actor_key(e.type, e.name, e.kb)),
        }
        for e in record.entities
    }
    events = {
        str(i + 1): {
            "type": ev.type,
            "label": dg.TYPE_LABELS.get(ev.type, ev.type),
            "cameo": ev.cameo,
            "source": [names.get(k, k) for k in ev.source],
            "target": [names.get(k, k) for k in ev.target],
            "date": ev.date,
            "intent": ev.intent,
            "negated": ev.negated,
        }
        for i, ev in enumerate(record.events)
    }
    digest = dg.digest_article(record)
    return {
        "title": record.headline or record.id,
        "article": record,
        "text": mark_up(record, names),
        "entities": entities,
        "events": events,
        "quotes": dg.article_statements(record),
        "happenings": dg.article_happenings(record),
        "digest": digest,
        "href": lambda kind, i, where=None: _anchor(where or i),
        "counts": Counter(e.type for e in record.entities),
    }


def _anchor(item_id: str) -> str | None:
    m = _LOCAL_ID.match(item_id)
    return f"#{m['kind']}{m['n']}" if m else None


@router.get("/actors/{key}", response_class=HTMLResponse, response_model=None)
def actor_page(request: Request, key: str) -> Response:
    db = _db(request)
    row = db.entity(key)
    if row is None:
        # An article links its entity's own key; the corpus may have merged it into another.
        found = resolve_actor(db, key.split(":", 1)[-1])
        if found is None:
            return _not_found(request, f"Актора {key} нет в базе.")
        return RedirectResponse(actor_href(str(found["key"])), status_code=307)
    row = dict(row)
    timeline = row.get("timeline") or []
    chart = stacked_months(
        (str(t.get("date") or "")[:7], _series(t), 1) for t in timeline if t.get("date")
    )
    events = list(row.get("events") or [])[:PAGE_ITEMS]
    partners: Counter[str] = Counter()
    for ev in events:
        for k in {*(ev.get("source_keys") or ()), *(ev.get("target_keys") or ())}:
            if k != row["key"]:
                partners[k] += 1
    names = _names(events)
    quotes = _quote_groups(row.get("quotes") or [])[-PAGE_ITEMS:]
    return _page(
        request,
        "actor.html",
        title=row.get("name") or key,
        actor=row,
        chart=chart,
        quotes=quotes,
        events=sorted(events, key=lambda e: str(e.get("date") or "")),
        partners=partners.most_common(12),
        names=names,
        actor_href=actor_href,
    )


def _quote_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An actor's quotes, one entry per quotation, each with every article that printed it."""
    groups: dict[str, dict[str, Any]] = {}
    for q in rows:
        ident = str(q.get("cluster_id") or f"{q['article_id']}:q{int(q['idx']) + 1}")
        group = groups.setdefault(
            ident,
            {
                "id": ident,
                "text": q.get("text"),
                "kind": q.get("kind"),
                "date": None,
                "occurrences": [],
            },
        )
        group["occurrences"].append(q)
        date = str(q.get("published") or "")[:10] or None
        if date and (group["date"] is None or date < group["date"]):
            group["date"] = date
    return sorted(groups.values(), key=lambda g: (g["date"] or "~", g["id"]))


def _series(item: dict[str, Any]) -> str:
    if item.get("kind") == "event" and item.get("type"):
        return str(item["type"])
    return "quote" if item.get("kind") == "quote" else str(item.get("kind") or "?")


@router.get("/events", response_class=HTMLResponse)
def events_page(
    request: Request,
    type: Annotated[str | None, Query(max_length=20)] = None,
    actor: Text = None,
    date_from: Annotated[str | None, Query(max_length=10)] = None,
    date_to: Annotated[str | None, Query(max_length=10)] = None,
    place: Text = None,
) -> HTMLResponse:
    db = _db(request)
    who = resolve_actor(db, actor) if actor else None
    where = resolve_actor(db, place) if place else None
    rows: list[dict[str, Any]] = []
    error = None
    if not actor or who is not None:
        try:
            rows = db.events(
                type=type or None,
                actor=who["key"] if who else None,
                date_from=date_from or None,
                date_to=date_to or None,
                place=(where["key"] if where else place) or None,
                limit=200,
            )
        except ValueError:  # the store's word for a malformed date
            error = "Даты — в виде ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД."
    return _page(
        request,
        "events.html",
        title="События",
        rows=rows,
        names=_names(rows),
        filters={
            "type": type or "",
            "actor": actor or "",
            "date_from": date_from or "",
            "date_to": date_to or "",
            "place": place or "",
        },
        who=who,
        error=error,
        actor_href=actor_href,
        item_href=item_href,
    )


@router.get("/dyads", response_class=HTMLResponse)
def dyads_page(request: Request, a: Text = None, b: Text = None) -> HTMLResponse:
    db = _db(request)
    first, second = resolve_actor(db, a), resolve_actor(db, b)
    rows: list[dict[str, Any]] = []
    if first and second:
        rows = list(db.dyads(first["key"], second["key"]))
    chart = stacked_months(
        (str(r.get("month") or ""), str(r.get("type") or "?"), int(r.get("count") or 0))
        for r in rows
    )
    return _page(
        request,
        "dyads.html",
        title="Диада",
        a=a or "",
        b=b or "",
        first=first,
        second=second,
        rows=rows,
        chart=chart,
        actor_href=actor_href,
    )


@router.get("/digest", response_class=HTMLResponse)
def digest_page(
    request: Request,
    article: Text = None,
    actor: Text = None,
    event: Text = None,
    day: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    from svodka.errors import UsageError

    result, error, status = None, None, 200
    if any((article, actor, event, day)):
        try:
            result = dg.digest_from_store(
                _db(request), article=article, actor=actor, event=event, day=day
            )
        except UsageError as exc:
            error, status = str(exc), 422
        if result is None and error is None:
            error = "Нечего показать: в базе нет такой статьи, актора, события или дня."
            status = 404
    return _page(
        request,
        "digest.html",
        title="Сводка",
        digest=result,
        error=error,
        form={
            "article": article or "",
            "actor": actor or "",
            "event": event or "",
            "day": day or "",
        },
        href=item_href,
        status=status,
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Text = None) -> HTMLResponse:
    db = _db(request)
    query = (q or "").strip()
    found: dict[str, list[dict[str, Any]]] = {"articles": [], "entities": [], "quotes": []}
    if query:
        # Quotations whose words match, then those of a speaker the query names.
        quotes = {q["id"]: q for q in db.quotes(q=query, limit=50)}
        for q in db.quotes(speaker=query, limit=50):
            quotes.setdefault(q["id"], q)
        found = {
            "articles": db.articles(q=query, limit=50),
            "entities": db.entities(q=query, limit=50),
            "quotes": list(quotes.values())[:100],
        }
    return _page(request, "search.html", title="Поиск", q=query, found=found, actor_href=actor_href)


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, op in methods.items():
            params = [
                {
                    "name": p.get("name"),
                    "in": p.get("in"),
                    "required": p.get("required", False),
                    "description": p.get("description") or "",
                    "type": _schema_type(p.get("schema") or {}),
                }
                for p in op.get("parameters", [])
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary") or "",
                    "params": params,
                    "body": "requestBody" in op,
                }
            )
    return _page(
        request,
        "docs.html",
        title="API",
        endpoints=endpoints,
        info=schema.get("info", {}),
    )


def _schema_type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_schema_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    return str(schema.get("type") or "")
