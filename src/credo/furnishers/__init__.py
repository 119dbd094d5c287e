"""Data sources (banks, courts, regulators, ...) and the categories each may furnish."""
