"""The HTTP API, versioned under /v1 (FastAPI is imported only here and in ``web/``)."""
