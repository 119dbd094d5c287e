"""scikit-learn's own estimator checks against ``Scorecard``."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from credo.scoring import Scorecard


# check_array_api_input raises SkipTest itself unless SCIPY_ARRAY_API is set (Scorecard works on
# NumPy and pandas only, so the array API does not apply); sklearn turns that into this warning.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@parametrize_with_checks([Scorecard()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
