"""Furnished records: validation (pure), intake (API and bulk), versions and corrections."""
