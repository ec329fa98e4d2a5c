"""JSON endpoints under `/api/`: thin shells over the store and the digest."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel, Field

from svodka.api import MAX_LIMIT

router = APIRouter()

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} rows")]
Text = Annotated[str | None, Query(max_length=200)]
MAX_ITEMS = 2000  # quotes, events or timeline entries in one actor's answer
ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"  # a date or a partial one: 2025-09-03, 2024-07, 2024


def store(request: Request) -> Any:
    return request.app.state.store


def cap(request: Request, limit: int) -> int:
    return min(limit, request.app.state.max_limit)


DB = Annotated[Any, Depends(store)]


class Page(BaseModel):
    """A page of rows."""

    items: list[dict[str, Any]]
    limit: int
    offset: int = 0


@router.get("/health", summary="Liveness: the server answers and its store opens")
def health(db: DB) -> dict[str, Any]:
    db.articles(limit=1)
    return {"ok": True}


@router.get("/articles", response_model=Page, summary="Stored articles, newest first; `q` searches")
def articles(
    request: Request,
    db: DB,
    q: Text = None,
    limit: Limit = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page:
    rows = db.articles(q=q or None, limit=cap(request, limit), offset=offset)
    return Page(items=rows, limit=limit, offset=offset)


@router.get("/articles/{article_id}", summary="One article's full svodka/article@1 record")
def article(db: DB, article_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    record = db.article(article_id)
    if record is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return record.to_dict()


@router.get("/entities", response_model=Page, summary="Actors; `q` matches any name form")
def entities(request: Request, db: DB, q: Text = None, limit: Limit = 50) -> Page:
    return Page(items=db.entities(q=q or None, limit=cap(request, limit)), limit=limit)


@router.get("/entities/{key}", summary="One actor with names, roles, quotes, events, timeline")
def entity(db: DB, key: str) -> dict[str, Any]:
    row = db.entity(key)
    if row is None:
        raise HTTPException(404, f"no entity {key!r}")
    row = dict(row)
    # A much-quoted actor has thousands of items: keep the answer bounded, and say so.
    for name in ("quotes", "events", "timeline"):
        items = row.get(name) or []
        if len(items) > MAX_ITEMS:
            row[name] = items[:MAX_ITEMS]
            row.setdefault("truncated", []).append(name)
    return row


@router.get("/quotes", response_model=Page, summary="Quotations with their occurrences")
def quotes(
    request: Request,
    db: DB,
    speaker: Annotated[str | None, Query(max_length=200, description="Speaker key")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Full-text search")] = None,
    limit: Limit = 50,
) -> Page:
    rows = db.quotes(speaker=speaker or None, q=q or None, limit=cap(request, limit))
    return Page(items=rows, limit=limit)


@router.get("/events", response_model=Page, summary="Events with their sources")
def events(
    request: Request,
    db: DB,
    type: Annotated[str | None, Query(max_length=20, description="PLOVER type")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="Actor key")] = None,
    date_from: Annotated[str | None, Query(pattern=ISO_DATE, description="ISO date")] = None,
    date_to: Annotated[str | None, Query(pattern=ISO_DATE, description="ISO date")] = None,
    place: Annotated[str | None, Query(max_length=200, description="Place key or name")] = None,
    limit: Limit = 50,
) -> Page:
    try:
        rows = db.events(
            type=type or None,
            actor=actor or None,
            date_from=date_from or None,
            date_to=date_to or None,
            place=place or None,
            limit=cap(request, limit),
        )
    except ValueError as exc:  # a date that matches the pattern but is no date: 2024-13
        raise HTTPException(422, str(exc)) from None
    return Page(items=rows, limit=limit)


@router.get("/dyads", summary="Events between two actors, by month and type")
def dyads(
    db: DB,
    a: Annotated[str, Query(max_length=200, description="Actor key")],
    b: Annotated[str, Query(max_length=200, description="Actor key")],
) -> dict[str, Any]:
    return {"a": a, "b": b, "rows": db.dyads(a, b)}


@router.get(
    "/digest",
    summary="A digest (`Заявления X: …`) of an article, actor, event or day",
    responses={200: {"content": {"text/plain": {}, "text/markdown": {}, "text/html": {}}}},
)
def digest(
    db: DB,
    article: Text = None,
    actor: Text = None,
    event: Text = None,
    day: Annotated[
        str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="ISO date")
    ] = None,
    format: Literal["json", "text", "markdown", "html"] = "json",
) -> Any:
    from datetime import date

    from svodka.digest import digest_from_store, render
    from svodka.errors import UsageError

    try:
        if day:
            date.fromisoformat(day)  # the pattern passes 2024-13-45; the store would raise
    except ValueError:
        raise HTTPException(422, f"not a date: {day!r}") from None
    try:
        result = digest_from_store(db, article=article, actor=actor, event=event, day=day)
    except UsageError as exc:
        raise HTTPException(422, str(exc)) from None
    if result is None:
        raise HTTPException(404, "nothing to digest")
    if format == "json":
        return result.to_dict()
    body = render(result, format)
    if format == "html":
        return HTMLResponse(body)
    media = "text/markdown; charset=utf-8" if format == "markdown" else "text/plain; charset=utf-8"
    return PlainTextResponse(body, media_type=media)


class ExtractRequest(BaseModel):
    """An article to analyse: `text`, `html`, or a page to `fetch`, with optional metadata."""

    text: str | None = None
    html: str | None = None
    fetch: str | None = Field(
        None,
        max_length=2000,
        description="An http(s) URL to download and analyse; only on a server started with "
        "--allow-fetch, and never to a loopback, private or otherwise non-public address",
    )
    id: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=2000, description="Metadata only: never fetched")
    headline: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=40)
    outlet: str | None = Field(None, max_length=200)


def require_token(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_svodka_token: Annotated[str | None, Header()] = None,
) -> None:
    from svodka.api.security import bearer, token_matches

    expected = request.app.state.token
    if not expected:
        raise HTTPException(403, "writing is disabled: start `svodka serve` with --token")
    if not token_matches(expected, bearer(authorization, x_svodka_token)):
        raise HTTPException(401, "a valid token is required", {"WWW-Authenticate": "Bearer"})


@router.post(
    "/extract",
    summary="Run the pipeline on posted text (token required; nothing is stored)",
    dependencies=[Depends(require_token)],
    responses={
        400: {"description": "`fetch` is not an http(s) URL"},
        401: {"description": "No or wrong token"},
        403: {"description": "Fetching is disabled, or `fetch` names a non-public address"},
        413: {"description": "Body, or fetched page, too large"},
    },
)
def extract(request: Request, body: ExtractRequest) -> dict[str, Any]:
    from svodka.errors import InputError, SvodkaError
    from svodka.ingest.sources import document_from_json

    state = request.app.state
    fields = body.model_dump(exclude_none=True)
    if body.fetch is not None:
        fields.update(_fetched(state, body))
    try:
        doc = document_from_json(fields, "request")
    except InputError as exc:
        raise HTTPException(422, str(exc)) from None
    with state.pipeline_lock:  # one Pipeline per server, loaded on first use, not thread-safe
        if state.pipeline is None:
            from svodka.pipeline import Pipeline

            state.pipeline = Pipeline()
        try:
            record = state.pipeline(doc)
        except SvodkaError as exc:
            raise HTTPException(422, str(exc)) from None
    return record.to_dict()


def _fetched(state: Any, body: ExtractRequest) -> dict[str, str]:
    """The page `body.fetch` names, as `html` or `text` plus its `url`, or an HTTP error."""
    from svodka.api.fetch import FetchError

    if state.fetch is None:
        raise HTTPException(
            403, "fetching URLs is disabled: start `svodka serve` with --allow-fetch"
        )
    if body.text is not None or body.html is not None:
        raise HTTPException(422, "give one of `text`, `html` or `fetch`")
    try:
        page = state.fetch(body.fetch)
    except FetchError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    found = {"html": page.html} if page.html is not None else {"text": page.text or ""}
    return {**found, "url": body.url or page.url}
