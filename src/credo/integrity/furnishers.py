"""Furnisher anomalies: a furnisher whose positive records for a few subjects rise far above
its own baseline.

For each (furnisher, subject) the most positive records the furnisher sent in any one year
of the window is compared with the furnisher's median over its subjects, in units of a
robust scale (1.4826 × MAD, at least half the median and at least one record, so a
furnisher whose subjects all look alike does not turn a second account into an outlier).
Subjects at ``min_z`` or more are flagged when they are few (at most ``max_share`` of the
furnisher's subjects): many outliers mean a product mix, not padding.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from credo.catalogue import get_catalogue
from credo.integrity.flags import Flag, Flagging, Inputs, within

#: Mixed-polarity categories and the field value that makes a record positive.
MIXED_POSITIVE = {
    "loan.repayment": ("days_late", "0"),
    "bill.payment": ("days_late", "0"),
    "loan.closed": ("reason", "repaid"),
}
IGNORED = ("identity.verification",)


def positive_categories() -> tuple[str, ...]:
    """Categories whose every record is positive, from the catalogue."""
    cats = get_catalogue().categories.values()
    return tuple(c.id for c in cats if c.polarity == "positive" and c.id not in IGNORED)


def _value(t: ir.Table, name: str) -> ir.StringValue:
    return t.fields.re_extract(f'"{name}":"?([^",}}]*)"?', 1)


def yearly_positives(inputs: Inputs, window_days: int) -> ir.Table:
    """``(furnisher_id, subject_id, peak)``: most positive records in one year of the window."""
    r = inputs.records
    r = r.filter(within(r, inputs.as_of, window_days))
    positive = r.category.isin(positive_categories())
    for category, (name, value) in MIXED_POSITIVE.items():
        positive = positive | ((r.category == category) & (_value(r, name) == value))
    p = r.filter(positive)
    p = p.mutate(year=(ibis.literal(inputs.as_of) - p.occurred_on).cast("int64") // 365)
    yearly = p.group_by(["furnisher_id", "subject_id", "year"]).aggregate(n=p.count())
    return yearly.group_by(["furnisher_id", "subject_id"]).aggregate(peak=yearly.n.max())


def scored(t: ir.Table) -> ir.Table:
    """Each row's robust z-score within its furnisher, and the furnisher's subject count."""
    stats = t.group_by("furnisher_id").aggregate(median=t.peak.approx_median(), subjects=t.count())
    t = t.join(stats, "furnisher_id")
    dev = (t.peak - t.median).abs()
    mad = t.group_by("furnisher_id").aggregate(mad=dev.approx_median())
    t = t.join(mad, "furnisher_id")
    scale = ibis.greatest(t.mad * 1.4826, t.median * 0.5, ibis.literal(1.0))
    return t.mutate(z=(t.peak - t.median) / scale, scale=scale)


@dataclass(frozen=True)
class FurnisherDetector(Flagging):
    """Subjects a furnisher pads with positive records (see the module docstring)."""

    RULE = "robust z >= {min_z} within the furnisher, for at most {max_share:.0%} of its subjects"
    name: str = "furnisher"
    window_days: int = 1095
    """Days of records read, ending on the as-of date."""
    min_z: float = 10.0
    """Robust z-score within the furnisher from which a subject is an outlier."""
    min_subjects: int = 30
    """Furnishers with fewer subjects are not judged (no baseline)."""
    max_share: float = 0.01
    """Most outliers, as a share of the furnisher's subjects, that are still flagged."""

    def detect(self, inputs: Inputs) -> list[Flag]:
        t = scored(yearly_positives(inputs, self.window_days))
        t = t.filter(t.subjects >= self.min_subjects)
        high = t.filter(t.z >= self.min_z)
        counts = high.group_by("furnisher_id").aggregate(outliers=high.count())
        high = high.join(counts, "furnisher_id")
        high = high.filter(high.outliers <= ibis.greatest(high.subjects * self.max_share, 1))
        rows = high.order_by(["furnisher_id", "subject_id"]).to_pyarrow().to_pylist()
        return [
            self.flag(
                (int(row["subject_id"]),),
                round(float(row["z"]), 2),
                key=str(row["furnisher_id"]),
                furnisher_id=row["furnisher_id"],
                peak_positive_records_per_year=int(row["peak"]),
                furnisher_median=float(row["median"]),
                furnisher_scale=round(float(row["scale"]), 3),
                z=round(float(row["z"]), 2),
                furnisher_subjects=int(row["subjects"]),
                furnisher_outliers=int(row["outliers"]),
            )
            for row in rows
        ]
