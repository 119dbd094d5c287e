"""Batch jobs: a Parquet snapshot of the store, Ibis features and scores, published in bulk.

Everything here builds Ibis expressions; only ``engines`` knows whether DuckDB (default,
in-process) or Spark runs them.
"""
