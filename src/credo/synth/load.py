"""Load a synth directory: register its furnishers (once) and ingest their record files.

Re-running is safe: furnishers already registered under the same name are reused, and
intake is idempotent, so a second load accepts nothing new.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.errors import InvalidInput
from credo.furnishers import service as furnishers
from credo.furnishers.models import Furnisher
from credo.records.bulk import ingest_file
from credo.records.readers import count_rows


def read_furnishers(folder: Path) -> list[dict[str, Any]]:
    """The furnishers a synth directory describes, every file checked to exist inside it
    (InvalidInput naming the directory, or furnishers.json and what is wrong in it)."""
    path = folder / "furnishers.json"
    if not path.is_file():
        raise InvalidInput(
            f"{folder} is not a synth directory: no furnishers.json",
            details=[{"field": "directory", "value": str(folder)}],
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _broken(path, f"not JSON ({exc})") from None
    if not isinstance(data, list):
        raise _broken(path, "must hold a list of furnishers")
    root = folder.resolve()
    for number, spec in enumerate(data):
        where = f"furnisher {number}"
        if not isinstance(spec, dict):
            raise _broken(path, f"{where} is not an object")
        for key, kind in (("name", str), ("kind", str), ("categories", list), ("files", list)):
            if not isinstance(spec.get(key), kind):
                raise _broken(path, f"{where} needs {key!r} ({kind.__name__})")
        for name in spec["files"]:
            if not isinstance(name, str):
                raise _broken(path, f"{where}: 'files' holds {name!r}, not a file name")
            file = (folder / name).resolve()
            if not file.is_relative_to(root):
                raise _broken(path, f"{where}: file {name!r} is outside {folder}")
            if not file.is_file():
                raise _broken(path, f"{where}: file {name!r}: no such file in {folder}")
    return data


def _broken(path: Path, reason: str) -> InvalidInput:
    """A synth directory's furnishers.json that cannot be loaded, naming it and why."""
    return InvalidInput(
        f"{path} cannot be loaded: {reason}",
        details=[{"field": "furnishers.json", "value": str(path), "reason": reason}],
    )


def total_rows(folder: Path) -> int | None:
    """Rows in all record files when cheap to know (Parquet), for a progress bar."""
    total = 0
    for spec in read_furnishers(folder):
        for name in spec["files"]:
            rows = count_rows(folder / name)
            if rows is None:
                return None
            total += rows
    return total


def register(
    *, factory: sessionmaker[Session], specs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Register each furnisher not yet known by name; API keys only for the new ones."""
    out = []
    with factory() as session, session.begin():
        for spec in specs:
            found = session.execute(
                select(Furnisher).where(Furnisher.name == spec["name"])
            ).scalar_one_or_none()
            if found is not None:
                out.append(
                    {
                        "name": found.name,
                        "id": found.id,
                        "kind": found.kind,
                        "api_key": None,
                        "created": False,
                    }
                )
                continue
            furnisher, key = furnishers.add(
                session=session, name=spec["name"], kind=spec["kind"], categories=spec["categories"]
            )
            out.append(
                {
                    "name": furnisher.name,
                    "id": furnisher.id,
                    "kind": furnisher.kind,
                    "api_key": key,
                    "created": True,
                }
            )
    return out


def load_directory(
    *,
    factory: sessionmaker[Session],
    folder: Path,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Register the directory's furnishers and ingest every file; summed intake summary."""
    specs = read_furnishers(folder)
    registered = register(factory=factory, specs=specs)
    result: dict[str, Any] = {"accepted": 0, "duplicates": 0, "rejected": 0, "report": None}
    reports: list[str] = []
    for spec, furnisher in zip(specs, registered, strict=True):
        for name in spec["files"]:
            summary = ingest_file(
                factory=factory,
                path=folder / name,
                furnisher_id=furnisher["id"],
                progress=progress,
            )
            result["accepted"] += summary.accepted
            result["duplicates"] += summary.duplicates
            result["rejected"] += summary.rejected
            if summary.report:
                reports.append(summary.report)
    result["report"] = reports or None
    result["furnishers"] = registered
    return result
