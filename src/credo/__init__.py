"""credo: an accountable credit and trust registry."""

__version__ = "0.1.0"
