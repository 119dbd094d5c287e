"""Credit scoring: an explainable, versioned points scorecard (no database, no web).

``Scorecard`` fits optbinning bins and a logistic regression and scales them to integer points
on the 350–950 range; ``explain`` gives dimension sub-scores, reasons and a counterfactual;
``save``/``load`` keep it as versioned JSON; ``model_card`` documents it.
"""

from credo.scoring.card import model_card
from credo.scoring.explainer import Explanations
from credo.scoring.metrics import discrimination
from credo.scoring.persist import (
    FORMAT,
    FORMAT_VERSION,
    bin_table,
    dumps,
    from_dict,
    load,
    loads,
    save,
    to_dict,
)
from credo.scoring.scaling import BANDS, SCORE_MAX, SCORE_MIN, band
from credo.scoring.scorecard import Scorecard
from credo.scoring.validation import DIMENSIONS, ScoringInputError

__all__ = [
    "BANDS",
    "DIMENSIONS",
    "FORMAT",
    "FORMAT_VERSION",
    "SCORE_MAX",
    "SCORE_MIN",
    "Explanations",
    "Scorecard",
    "ScoringInputError",
    "band",
    "bin_table",
    "discrimination",
    "dumps",
    "from_dict",
    "load",
    "loads",
    "model_card",
    "save",
    "to_dict",
]
