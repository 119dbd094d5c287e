"""Core statements run on a DBAPI connection: compiled once per dialect, with their
columns' bind and result processors, without SQLAlchemy's per-execution work.

Through Core a statement costs about three times the driver's own work; the check's hot
path (``hotpath``) and the inquiry writer (``inquirylog``) run a handful of fixed
statements thousands of times a second, so they compile them once here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ClauseElement, Select

_Form = tuple[str, Sequence[str] | None, dict[str, Any], dict[str, Any], list[Any]]


class Statement:
    """A Core statement compiled once per dialect, run on a DBAPI connection with its
    columns' bind and result processors (so values match what Core would give)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._forms: dict[str, _Form] = {}

    def _form(self, dialect: Any) -> _Form:
        form = self._forms.get(dialect.name)
        if form is None:
            compiled: Any = self.statement.compile(dialect=dialect)
            binds = {
                name: processor
                for name, bind in compiled.binds.items()
                if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
                is not None
            }
            # the statement with any IN list of fixed values expanded, and those values
            given = {name: None for name, bind in compiled.binds.items() if bind.required}
            expanded = compiled.construct_expanded_state(given)
            statement = self.statement
            columns = list(statement.selected_columns) if isinstance(statement, Select) else []
            results = [
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in columns
            ]
            names = expanded.positiontup if dialect.positional else None
            fixed = dict(expanded.parameters)
            form = self._forms[dialect.name] = (expanded.statement, names, fixed, binds, results)
        return form

    def _params(self, form: _Form, values: Mapping[str, Any]) -> Any:
        _sql, names, fixed, binds, _results = form
        params = {**fixed, **values}
        for name, processor in binds.items():
            if params.get(name) is not None:
                params[name] = processor(params[name])
        return tuple(params[n] for n in names) if names is not None else params

    def rows(self, raw: Any, dialect: Any, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run once; the rows it returns (none for a statement without columns)."""
        form = self._form(dialect)
        results = form[4]
        cursor = raw.cursor()
        try:
            cursor.execute(form[0], self._params(form, values))
            rows = cursor.fetchall() if results else []
        finally:
            cursor.close()
        if any(results):
            return [
                tuple(v if p is None else p(v) for p, v in zip(results, row, strict=True))
                for row in rows
            ]
        return [tuple(row) for row in rows]

    def execute_many(self, raw: Any, dialect: Any, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement that returns nothing once per row (one ``executemany``)."""
        form = self._form(dialect)
        cursor = raw.cursor()
        try:
            cursor.executemany(form[0], [self._params(form, r) for r in rows])
        finally:
            cursor.close()
