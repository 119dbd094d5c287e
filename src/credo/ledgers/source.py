"""Where a key or value sits in a policy file's text, so every error can name its line.

``tomllib`` reports the line and column of a syntax error in its message; semantic errors
(an unknown category, a gap between grade bands) are found after parsing, so the line is
found again by scanning the text: the n-th ``[[table]]`` block, then the key or the value
inside it. Scanning is approximate by design (a value repeated in one block reports its
first line), never wrong about the block.
"""

from __future__ import annotations

import json
import re
import tomllib

_SYNTAX_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_HEADER = re.compile(r"^\s*\[")


def syntax_line(error: tomllib.TOMLDecodeError) -> tuple[int, str]:
    """(line, reason) of a TOML syntax error; Python 3.11's message carries the position."""
    message = str(error)
    lineno = getattr(error, "lineno", None)
    found = _SYNTAX_AT.search(message)
    if lineno is None and found is not None:
        lineno = int(found.group(1))
    reason = _SYNTAX_AT.sub("", getattr(error, "msg", message)).strip()
    return int(lineno or 1), f"not valid TOML: {reason}"


class Source:
    """A policy file's lines, searched for keys and values."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def _first(self, pattern: re.Pattern[str], start: int, end: int) -> int | None:
        for number in range(start, end):
            if pattern.search(_strip_comment(self.lines[number])):
                return number + 1
        return None

    def _top_end(self) -> int:
        for number, line in enumerate(self.lines):
            if _HEADER.match(line):
                return number
        return len(self.lines)

    def top(self, key: str) -> int:
        """The line of a top-level key (1 when it is missing: the error is about the file)."""
        return self._first(_key(key), 0, self._top_end()) or 1

    def block(self, table: str, index: int) -> tuple[int, int] | None:
        """Line range (0-based, end exclusive) of the index-th ``[[table]]`` block."""
        spans = self._spans.get(table)
        if spans is None:  # found once per table: a long file is not rescanned per problem
            header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
            starts = [n for n, line in enumerate(self.lines) if header.match(line)]
            spans = self._spans[table] = []
            for number in starts:
                end = number + 1
                while end < len(self.lines) and not _HEADER.match(self.lines[end]):
                    end += 1
                spans.append((number, end))
        return spans[index] if 0 <= index < len(spans) else None

    def find(self, table: str, index: int, key: str | None = None, value: object = None) -> int:
        """The line of a value (or else a key) inside a block; the block's header otherwise."""
        span = self.block(table, index)
        if span is None:
            return self.top(table)
        start, end = span
        if value is not None:
            for token in _tokens(value):
                found = self._first(re.compile(re.escape(token)), start, end)
                if found is not None:
                    return found
        if key is not None:
            found = self._first(_key(key), start, end)
            if found is not None:
                return found
        return start + 1


def _key(key: str) -> re.Pattern[str]:
    return re.compile(rf'^\s*["\']?{re.escape(key)}["\']?\s*=')


def _strip_comment(line: str) -> str:
    """The line without a trailing comment (a ``#`` outside quotes)."""
    quote: str | None = None
    for i, char in enumerate(line):
        if quote is None and char in "\"'":
            quote = char
        elif quote is not None and char == quote:
            quote = None
        elif quote is None and char == "#":
            return line[:i]
    return line


def _tokens(value: object) -> list[str]:
    if isinstance(value, str):
        return [json.dumps(value, ensure_ascii=False), f"'{value}'"]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]
