"""Relying parties, their programs, subjects' consents, eligibility and restriction checks."""
