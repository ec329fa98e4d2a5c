"""The store: one DuckDB file with a versioned schema; Parquet and GDELT-style exports."""

from __future__ import annotations

from svodka.store.schema import SCHEMA_VERSION
from svodka.store.store import DEFAULT_PATH, Store, StoreBusy, StoreError

__all__ = ["DEFAULT_PATH", "SCHEMA_VERSION", "Store", "StoreBusy", "StoreError"]
