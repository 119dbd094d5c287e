"""Synthetic population: persons and organisations, their records, and planted ground truth.

``synthesise`` writes a directory that ``credo load`` ingests (see docs/synth.md):
records per furnisher, ``furnishers.json``, ``subjects.parquet``, ``audit_only.parquet``,
``ground_truth.json`` and ``manifest.json``. Same arguments, same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from credo.catalogue import get_catalogue
from credo.errors import InvalidInput
from credo.synth import conduct, manipulation, records, risk
from credo.synth.frame import Part
from credo.synth.furnishers import BY_SLUG, FURNISHERS, INFLATING
from credo.synth.population import Population, Timeline, age_bands, population
from credo.synth.writer import (
    AUDIT_SCHEMA,
    SUBJECT_SCHEMA,
    RecordSink,
    TableSink,
    assemble,
    audit_table,
    subjects_table,
)

DEFAULT_AS_OF = dt.date(2026, 6, 30)
CHUNK = 50_000
ROWS_PER_FILE = 2_000_000
FORMATS = ("parquet", "jsonl")

__all__ = ["DEFAULT_AS_OF", "FURNISHERS", "synthesise"]


def _rng(seed: int, kind: str, chunk: int, step: str) -> np.random.Generator:
    """An independent stream per (seed, kind, chunk, generator): chunks never interfere."""
    return np.random.default_rng(
        [seed, zlib.crc32(kind.encode()), chunk, zlib.crc32(step.encode())]
    )


def _write_json(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
    )


def _check(
    persons_n: int,
    organisations_n: int,
    years: int,
    fmt: str,
    as_of: dt.date,
    today: dt.date,
    seed: int = 0,
) -> None:
    for field, n in (("persons", persons_n), ("organisations", organisations_n)):
        if n < 0:
            raise InvalidInput(
                f"--{field} {n} is negative; give 0 or more",
                details=[{"field": field, "value": n}],
            )
    if persons_n + organisations_n == 0:
        raise InvalidInput(
            "synth needs a positive number of persons or organisations (both are 0)",
            details=[{"field": "persons", "value": 0}, {"field": "organisations", "value": 0}],
        )
    if seed < 0:
        raise InvalidInput(
            f"--seed {seed} is negative; a seed is a whole number from 0",
            details=[{"field": "seed", "value": seed}],
        )
    if not 2 <= years <= 20:
        raise InvalidInput(
            f"years {years} must be between 2 and 20 (the last year is the label window)",
            details=[{"field": "years", "value": years}],
        )
    if fmt not in FORMATS:
        raise InvalidInput(
            f"format {fmt!r} is not parquet or jsonl", details=[{"field": "format", "value": fmt}]
        )
    first_tax_year = _field_min("tax.filing", "tax_year")
    if as_of.year - years - 1 < first_tax_year:
        # the records start about ``years`` before as_of; a tax filing there is for the year
        # before, and the catalogue takes none before its first tax year (nor births < 1880)
        raise InvalidInput(
            f"--as-of {as_of.isoformat()} with --years {years} starts the records in "
            f"{as_of.year - years}, before the catalogue's first tax year {first_tax_year}: "
            f"give an --as-of in {first_tax_year + 1 + years} or later",
            details=[{"field": "as_of", "value": as_of.isoformat()}],
        )
    if as_of > today:
        raise InvalidInput(
            f"as-of date {as_of.isoformat()} is in the future",
            details=[{"field": "as_of", "value": as_of.isoformat()}],
        )


def _field_min(category: str, name: str) -> int:
    """The catalogue's lowest value for a category's numeric field."""
    (spec,) = [f for f in get_catalogue().categories[category].fields if f.name == name]
    assert spec.min is not None
    return int(spec.min)


def _generate(pop: Population, seed: int, tl: Timeline) -> tuple[list[Part], dict[str, Any]]:
    kind, chunk = pop.kind, pop.chunk
    planted: dict[str, Any] = {"rings": [], "clusters": [], "inflated": np.zeros(0, np.int64)}
    if kind == "person":
        planted = manipulation.plant(pop, _rng(seed, kind, chunk, "plant"), tl)
    hashes = manipulation.shared_hashes(pop, _rng(seed, kind, chunk, "hashes"))
    # conduct first: the planted default model (``risk``) reads it when loans are generated
    taxes = conduct.taxes(pop, _rng(seed, kind, chunk, "taxes"), tl)
    courts = conduct.courts(pop, _rng(seed, kind, chunk, "courts"), tl)
    penalties = conduct.penalties(pop, _rng(seed, kind, chunk, "penalties"), tl)
    cards = records.cards(pop, _rng(seed, kind, chunk, "cards"), tl) if kind == "person" else []
    parts: list[Part] = []
    parts += records.loans(pop, _rng(seed, kind, chunk, "loans"), tl)
    parts += records.bills(pop, _rng(seed, kind, chunk, "bills"), tl)
    parts += records.identity(pop, _rng(seed, kind, chunk, "identity"), tl, hashes)
    parts += taxes + courts + penalties
    parts += conduct.commendations(pop, _rng(seed, kind, chunk, "honours"), tl)
    if kind == "person":
        parts += cards
        parts += manipulation.transfers(pop, _rng(seed, kind, chunk, "transfers"), tl, planted)
        parts += manipulation.inflation(pop, _rng(seed, kind, chunk, "inflation"), tl, planted)
    else:
        parts += conduct.regulation(pop, _rng(seed, kind, chunk, "regulation"), tl)
    for part in parts:
        if part.category not in BY_SLUG[part.furnisher].categories:
            raise AssertionError(f"{part.furnisher} may not furnish {part.category}")
    return parts, planted


def synthesise(
    *,
    out: Path,
    persons_n: int,
    organisations_n: int,
    years: int = 4,
    seed: int = 0,
    fmt: str = "parquet",
    as_of: dt.date | None = None,
    chunk: int = CHUNK,
    rows_per_file: int = ROWS_PER_FILE,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write a synthetic population to ``out``; returns the manifest.

    Parameters
    ----------
    persons_n, organisations_n
        Subjects to create (about one in a hundred persons is a minor).
    years
        Span of the records, ending at ``as_of``; the last 12 months are the label window.
    seed
        Everything is a function of the seed and the other arguments.
    progress
        Called with the number of subjects finished after each chunk.
    """
    as_of = as_of or DEFAULT_AS_OF
    _check(persons_n, organisations_n, years, fmt, as_of, today or dt.date.today(), seed)
    tl = Timeline(as_of=as_of, years=years)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(
            f"--out {str(out)!r} cannot be a directory to write to: {exc.strerror or exc}",
            details=[{"field": "out", "value": str(out)}],
        ) from None
    sinks = {spec.slug: RecordSink(out, spec.slug, fmt, rows_per_file) for spec in FURNISHERS}
    subjects = TableSink(out / "subjects.parquet", SUBJECT_SCHEMA)
    audit = TableSink(out / "audit_only.parquet", AUDIT_SCHEMA)
    by_category: Counter[str] = Counter()
    truth: dict[str, Any] = {"rings": [], "sybil_clusters": [], "inflated": []}
    salt = seed * 7_919 + 17
    try:
        for kind, total in (("person", persons_n), ("organisation", organisations_n)):
            for number, begin in enumerate(range(0, total, chunk)):
                index = np.arange(begin, min(begin + chunk, total), dtype=np.int64)
                pop = population(
                    kind,
                    chunk=number,
                    index=index,
                    rng=_rng(seed, kind, number, "subjects"),
                    timeline=tl,
                    salt=salt,
                )
                parts, planted = _generate(pop, seed, tl)
                for slug, sink in sinks.items():
                    mine = [p for p in parts if p.furnisher == slug and len(p)]
                    if mine:
                        sink.write(assemble(pop, mine, slug))
                for part in parts:
                    by_category[part.category] += len(part)
                subjects.write(
                    subjects_table(
                        pop,
                        tl.month_start(pop.start),
                        len(truth["rings"]),
                        len(truth["sybil_clusters"]),
                    )
                )
                if kind == "person":
                    audit.write(audit_table(pop, age_bands(pop.ages(tl.as_of))))
                    _add_truth(truth, pop, planted)
                if progress is not None:
                    progress(len(index))
    finally:
        for sink in sinks.values():
            sink.close()
        subjects.close()
        audit.close()
    furnishers: list[dict[str, Any]] = [
        {
            "name": spec.name,
            "slug": spec.slug,
            "kind": spec.kind,
            "categories": list(spec.categories),
            "files": sinks[spec.slug].files,
            "records": sinks[spec.slug].rows,
        }
        for spec in FURNISHERS
        if sinks[spec.slug].rows
    ]
    _write_json(out / "furnishers.json", furnishers)
    _write_json(
        out / "ground_truth.json",
        {
            "default_model": risk.truth(),
            "rings": truth["rings"],
            "sybil_clusters": truth["sybil_clusters"],
            "inflating_furnisher": {
                "name": BY_SLUG[INFLATING].name,
                "slug": INFLATING,
                "subjects": truth["inflated"],
            },
        },
    )
    manifest = {
        "arguments": {
            "persons": persons_n,
            "organisations": organisations_n,
            "years": years,
            "seed": seed,
            "format": fmt,
            "as_of": as_of.isoformat(),
        },
        "as_of": as_of.isoformat(),
        "cutoff": tl.cutoff.isoformat(),
        "start": tl.start.isoformat(),
        "label": "loan.default with occurred_on after the cutoff, up to as_of",
        "counts": {
            "persons": persons_n,
            "organisations": organisations_n,
            "records": sum(by_category.values()),
            "by_category": dict(sorted(by_category.items())),
            "by_furnisher": {f["slug"]: f["records"] for f in furnishers},
            "rings": len(truth["rings"]),
            "sybil_clusters": len(truth["sybil_clusters"]),
            "inflated_subjects": len(truth["inflated"]),
        },
        "files": [
            "furnishers.json",
            "subjects.parquet",
            "audit_only.parquet",
            "ground_truth.json",
            *[name for f in furnishers for name in f["files"]],
        ],
    }
    _write_json(out / "manifest.json", manifest)
    return manifest


def _add_truth(truth: dict[str, Any], pop: Population, planted: dict[str, Any]) -> None:
    ids = pop.ids.to_numpy(zero_copy_only=False)
    for members in planted["rings"]:
        truth["rings"].append(
            {
                "id": f"ring-{len(truth['rings']):05d}",
                "scheme": pop.scheme,
                "members": [str(ids[m]) for m in members],
            }
        )
    for members in planted["clusters"]:
        truth["sybil_clusters"].append(
            {
                "id": f"cluster-{len(truth['sybil_clusters']):05d}",
                "scheme": pop.scheme,
                "members": [str(ids[m]) for m in members],
                "shared": ["phone_hash", "address_hash", "device_hash"],
            }
        )
    truth["inflated"] += [str(ids[m]) for m in planted["inflated"]]
