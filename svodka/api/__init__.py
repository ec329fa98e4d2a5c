"""The HTTP API (`/api/…`) and the web UI (`/`) over one read-only store: `create_app(db_path)`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from svodka.errors import UsageError

__all__ = ["MAX_BODY", "MAX_LIMIT", "LockedStore", "create_app"]

MAX_BODY = 1_000_000  # bytes a POST may carry
MAX_LIMIT = 500  # rows a list endpoint returns at most


class LockedStore:
    """The store behind a lock: a DuckDB connection must not be used by two threads at once.

    The file is released whenever no request is in flight, because DuckDB lets a writer in only
    while no reader holds the file: a server holding it open would stall `svodka ingest`.
    """

    def __init__(self, store: Any) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._in_flight = 0

    def enter(self) -> None:
        with self._count_lock:
            self._in_flight += 1

    def leave(self) -> None:
        with self._count_lock:
            self._in_flight -= 1
            if self._in_flight:
                return
            with self._lock:
                self._store.release()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)

        return call

    def close(self) -> None:
        with self._lock:
            self._store.close()


def create_app(
    db_path: str | Path,
    token: str | None = None,
    *,
    max_body: int = MAX_BODY,
    max_limit: int = MAX_LIMIT,
    allow_fetch: bool = False,
) -> Any:
    """A FastAPI app serving the store at `db_path` read-only; POST needs `token`.
    `allow_fetch`: `POST /api/extract` may download `{"fetch": URL}` (`svodka.api.fetch`)."""
    from contextlib import asynccontextmanager
    from functools import partial

    from fastapi import FastAPI

    from svodka.api.routes import router as api_router
    from svodka.api.security import BodyLimit, SecurityHeaders
    from svodka.errors import SvodkaError
    from svodka.store import Store, StoreBusy
    from svodka.web import mount as mount_web

    path = Path(db_path)
    if not path.is_file():
        raise UsageError(f"no store at {path}: build one with `svodka ingest PATH --db {path}`")
    try:
        store = LockedStore(Store(str(path), read_only=True))
    except SvodkaError as exc:
        raise UsageError(str(exc)) from None
    store.enter()
    store.leave()  # opened to check it is a store; released until a request comes

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        store.close()

    app = FastAPI(
        title="svodka",
        summary="Who did what to whom, and who said what: Russian news as records.",
        version=_version(),
        docs_url=None,  # FastAPI's /docs loads Swagger UI from a CDN; ours works offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.token = token
    app.state.max_limit = max_limit
    app.state.pipeline = None
    app.state.fetch = None
    if allow_fetch:
        from svodka.api.fetch import fetch

        app.state.fetch = partial(fetch, max_bytes=max_body)
    app.state.pipeline_lock = threading.Lock()
    app.include_router(api_router, prefix="/api")
    mount_web(app)
    app.add_exception_handler(StoreBusy, _store_busy)
    app.add_middleware(ReleaseStore, store=store)
    app.add_middleware(BodyLimit, max_bytes=max_body)
    app.add_middleware(SecurityHeaders)
    return app


BUSY_RETRY_SECONDS = 10  # ingest lets readers in at least this often (RELEASE_SECONDS)


def _store_busy(request: Any, exc: Exception) -> Any:
    """503 with Retry-After, not a 500, when ingest holds the store's file longer than a
    request may wait (SVODKA_LOCK_TIMEOUT): it comes back by itself."""
    from starlette.responses import JSONResponse, PlainTextResponse

    message = "the store is busy (an ingest is writing to it); try again in a few seconds"
    headers = {"Retry-After": str(BUSY_RETRY_SECONDS)}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=503, headers=headers)
    return PlainTextResponse(message, status_code=503, headers=headers)


class ReleaseStore:
    """Count requests in flight; the store's file is released when the last one ends."""

    def __init__(self, app: Any, store: LockedStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.concurrency import run_in_threadpool

        self.store.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            await run_in_threadpool(self.store.leave)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("svodka")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"
