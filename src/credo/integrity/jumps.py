"""Implausible score jumps: a subject's score rising far more than scores rise between runs.

Compares each subject's newer score (the candidate of this run, or the last published one)
with the one published before it. Falls are not flagged: they follow defaults and judgments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credo.integrity.flags import Flag, Flagging, Inputs


@dataclass(frozen=True)
class JumpDetector(Flagging):
    """Score rises of ``max_rise`` points or more between two runs."""

    RULE = "score rose by >= {max_rise} points between two runs"
    name: str = "score_jump"
    max_rise: int = 150
    """Points a score may rise between two runs before it is flagged."""

    def detect(self, inputs: Inputs) -> list[Flag]:
        s = inputs.scores
        if s is None or s.num_rows == 0:
            return []
        subject = s.column("subject_id").to_numpy().astype(np.int64)
        new = s.column("score").to_numpy().astype(np.int64)
        old = s.column("previous").to_numpy().astype(np.int64)
        rise = new - old
        return [
            self.flag(
                (int(subject[i]),),
                float(rise[i]),
                key=f"{old[i]}->{new[i]}",
                previous=int(old[i]),
                new=int(new[i]),
                rise=int(rise[i]),
            )
            for i in np.flatnonzero(rise >= self.max_rise)
        ]
