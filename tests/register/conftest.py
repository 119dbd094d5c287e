"""Register fixtures (defined in tests/register/fixtures.py so tests/api can import them)."""

from tests.register.fixtures import _frozen_clock, api, registry

__all__ = ["_frozen_clock", "api", "registry"]
