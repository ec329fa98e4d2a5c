"""Engines that run the pipeline over many documents for `svodka ingest`: `local` (a process
pool) and `ray` (Ray Data); `driver.ingest` feeds either one and is the store's one writer."""
