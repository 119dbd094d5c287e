"""Persons and organisations, known by validated identifiers (persons only pseudonymised)."""
