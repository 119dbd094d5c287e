"""Policy-as-code point ledgers and their grades (see docs/ledgers.md)."""
