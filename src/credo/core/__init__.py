"""Shared foundations: the store's engine and sessions, the audit trail, the clock."""
