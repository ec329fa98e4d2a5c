"""The web UI: Jinja2 pages over the store, with the package's own small CSS, JS and SVG charts.

Templates and static files ship inside the package (no CDN, no build step); autoescaping is on
for every template, so article text and names reach the browser as text, never as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

__all__ = ["STATIC", "TEMPLATES", "environment", "mount"]


def environment() -> Any:
    """The Jinja2 environment: autoescape always on, helpers as filters."""
    import jinja2

    from svodka import digest

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its extension
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_ru"] = lambda v: digest.format_date(str(v)) if v else ""
    env.filters["duration_ru"] = lambda v: digest.format_duration(v) or ""
    env.filters["type_ru"] = lambda v: digest.TYPE_LABELS.get(str(v), str(v))
    env.filters["key"] = lambda v: quote(str(v), safe="")
    env.globals["TYPES"] = tuple(digest.TYPE_LABELS)
    env.globals["TYPE_LABELS"] = digest.TYPE_LABELS
    env.globals["ENTITY_TYPES"] = {
        "PER": "персона",
        "ORG": "организация",
        "GPE": "государство",
        "LOC": "место",
        "FAC": "объект",
        "EVT": "событие",
    }
    return env


def mount(app: Any) -> None:
    """Add the pages and `/static` to a FastAPI app."""
    from fastapi.staticfiles import StaticFiles

    from svodka.web.pages import router

    app.state.templates = environment()
    app.include_router(router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
