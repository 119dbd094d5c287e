"""Precision and recall on a small synthetic population's planted manipulation."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from credo.batch import integrity_eval as evaluate
from credo.cli.main import app
from credo.integrity.furnishers import FurnisherDetector
from credo.integrity.rings import RingDetector
from credo.integrity.sybils import SybilDetector


def test_planted_rings_clusters_and_padding_are_found(tmp_path: Path) -> None:
    out = tmp_path / "pop"
    args = [
        "synth",
        "--persons",
        "8000",
        "--organisations",
        "50",
        "--years",
        "2",
        "--seed",
        "3",
        "--out",
        str(out),
    ]
    assert CliRunner().invoke(app, args).exit_code == 0
    inputs, ids = evaluate.synth_inputs(out)
    truth = evaluate.truth(out)
    for detector in (RingDetector(), SybilDetector(), FurnisherDetector()):
        result = evaluate.score(detector.detect(inputs), ids, truth[detector.name])
        assert result["planted"] >= 2, (detector.name, result)
        assert result["recall"] >= 0.95, (detector.name, result)
        assert result["precision"] >= 0.90, (detector.name, result)
