"""Tests of credo.scoring: the scorecard estimator, its explanations, JSON and model card."""
