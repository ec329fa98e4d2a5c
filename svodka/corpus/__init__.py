"""Across articles: syndicated copies, one quotation and one event from many reports, actor
timelines and dyads. Pure functions over rows; `svodka.store.Store.rebuild_clusters` runs them."""
