"""Published scores: scorecard model versions, score runs and one score row per subject per run."""
