"""Implausible score jumps: a subject's score rising far more than scores rise between runs.

Compares each subject's newer score (the candidate of this run, or the last published one)
with the one published before it. Falls are not flagged: they follow defaults and judgments.
A flag names the jump from one published score: while the subject is held that score stays
the last published one, so each later run finds the same flag (cleared: published; confirmed:
still held) rather than a new one for a candidate a point off.
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
        runs = (
            s.column("previous_run").to_numpy().astype(np.int64)
            if "previous_run" in s.column_names
            else None
        )
        rise = new - old
        flags = []
        for i in np.flatnonzero(rise >= self.max_rise):
            # the finding is a jump from one published score (its run), whatever the candidate:
            # next run's candidate a point off is the same jump, and a person's decision on it
            # holds until a later run publishes a new score to jump from
            run = None if runs is None else int(runs[i])
            flags.append(
                self.flag(
                    (int(subject[i]),),
                    float(rise[i]),
                    key=f"{old[i]}" if run is None else f"run {run}: {old[i]}",
                    previous=int(old[i]),
                    previous_run_id=run,
                    new=int(new[i]),
                    rise=int(rise[i]),
                )
            )
        return flags
