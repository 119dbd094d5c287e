"""Input checks for the scorecard: frames, targets and parameters; errors name the bad value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets

from credo.errors import InvalidInput

DIMENSIONS: tuple[str, ...] = ("history", "capacity", "compliance", "payments", "identity")
DEFAULT_DIMENSION = "history"

NUMERICAL = "numerical"
CATEGORICAL = "categorical"


class ScoringInputError(InvalidInput, ValueError):
    """Bad input to the scorecard.

    An ``InvalidInput`` for credo, and a ``ValueError`` so that scikit-learn tools (and its
    estimator checks) recognise it as the usual "bad data" error.
    """


def as_frame(X: Any, *, fitting: bool) -> tuple[pd.DataFrame, Any]:
    """Return (X as a DataFrame, X as checked) for scoring and for scikit-learn's name checks.

    DataFrames are used as they are (no copy); arrays go through scikit-learn's ``check_array``
    so that the usual shape and sparse-input errors apply, and get columns x0, x1, ...
    """
    if isinstance(X, pd.DataFrame):
        if X.shape[1] == 0:
            raise ScoringInputError(
                f"0 feature(s) (shape={X.shape}) while a minimum of 1 is required."
            )
        if fitting and X.shape[0] == 0:
            raise ScoringInputError(
                f"0 sample(s) (shape={X.shape}) while a minimum of 1 is required."
            )
        return X, X
    else:
        try:
            arr = check_array(X, dtype=None, ensure_all_finite=False, ensure_min_samples=1)
        except ValueError as exc:
            raise ScoringInputError(str(exc)) from exc
        frame = pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])], copy=False)
        return frame, arr


def feature_kind(col: pd.Series) -> str:
    """Say whether a column is scored as numbers or as categories."""
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        if pd.api.types.is_complex_dtype(dtype):
            raise ScoringInputError(f"Complex data not supported: column {col.name!r}")
        return NUMERICAL
    if isinstance(dtype, pd.CategoricalDtype):
        return CATEGORICAL
    inferred = pd.api.types.infer_dtype(col, skipna=True)
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal", "boolean", "empty"):
        return NUMERICAL
    return CATEGORICAL


def numeric_values(col: pd.Series) -> np.ndarray:
    """Column as float64 with NaN for missing; infinities are refused."""
    try:
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ScoringInputError(
            f"column {col.name!r} must be numeric to match the model: {exc}"
        ) from exc
    if np.isinf(values).any():
        raise ScoringInputError(f"column {col.name!r} contains inf; use NaN for a missing value")
    return values


#: The largest magnitude optbinning's pre-binning (a scikit-learn tree, float32) can split.
FIT_MAX = float(np.finfo(np.float32).max)


def check_fit_range(name: str, values: np.ndarray) -> None:
    """Refuse, naming the column, a number too large for the binning to fit on (|x| > 3.4e38)."""
    big = np.abs(np.nan_to_num(values, nan=0.0)) > FIT_MAX
    if big.any():
        value = float(values[np.flatnonzero(big)[0]])
        raise ScoringInputError(
            f"column {name!r} holds {value:g}, beyond the ±{FIT_MAX:.3g} the binning can fit "
            "on; rescale the column (e.g. to thousands) or mark the value missing",
            details=[{"field": name, "value": f"{value:g}"}],
        )


def categorical_values(col: pd.Series) -> np.ndarray:
    """Column as an object array of JSON-friendly scalars (str, int, float, bool) or None."""
    values = col.to_numpy(dtype=object, na_value=None)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out[i] = None
        elif isinstance(v, str | bool | int | float):
            out[i] = v.item() if isinstance(v, np.generic) else v
        elif isinstance(v, np.generic):
            out[i] = v.item()
        else:
            out[i] = str(v)
    return out


def binary_target(
    y: Any, n_samples: int, bad_label: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Check y is a good/bad target as long as X; return (classes, 1 where y is the bad class).

    Without ``bad_label`` the target must be 0/1 (numbers, 1 = bad) or true/false booleans
    (true = bad): a text target such as ``"good"``/``"bad"`` is refused, because taking the
    class that sorts last as bad silently inverts the scorecard. With ``bad_label`` the target
    may hold any two values, one of which must be ``bad_label``; ``classes_`` is then
    ``[good value, bad_label]``.
    """
    if y is None:
        raise ScoringInputError(
            "Scorecard requires y to be passed, but the target y is None "
            "(use 1 for bad, 0 for good)"
        )
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        y = y.iloc[:, 0]
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        import warnings

        from sklearn.exceptions import DataConversionWarning

        warnings.warn(
            "A column-vector y was passed when a 1d array was expected; it is ravelled.",
            DataConversionWarning,
            stacklevel=3,
        )
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ScoringInputError(f"y should be a 1d array, got an array of shape {arr.shape}")
    if len(arr) != n_samples:
        raise ScoringInputError(f"y has {len(arr)} values but X has {n_samples} rows")
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        bad = arr[~np.isfinite(arr)][0]
        raise ScoringInputError(f"y contains {bad!r}; every row needs a 0/1 (good/bad) label")
    try:
        check_classification_targets(arr)
    except ValueError as exc:
        raise ScoringInputError(f"y must be a binary class label: {exc}") from exc
    if pd.isna(arr).any():
        raise ScoringInputError("y contains missing values; every row needs a 0/1 (good/bad) label")
    classes = np.unique(arr)
    if len(classes) != 2:
        shown = ", ".join(repr(c) for c in classes[:5].tolist())
        if len(classes) < 2:
            raise ScoringInputError(f"y must be binary (good/bad); it has only one class: {shown}")
        raise ScoringInputError(
            "Only binary classification is supported. The type of the target is multiclass: "
            f"y must be good/bad but has {len(classes)} classes: {shown}"
        )
    if bad_label is not None:
        matches = [c for c in classes.tolist() if c == bad_label or str(c) == str(bad_label)]
        if not matches:
            raise ScoringInputError(
                f"bad_label {bad_label!r} is not a value of y (its values: "
                f"{', '.join(repr(c) for c in classes.tolist())})",
                details=[{"field": "bad_label", "value": str(bad_label)}],
            )
        bad_value = matches[0]
        good_value = next(c for c in classes.tolist() if c is not bad_value and c != bad_value)
        ordered = np.array([good_value, bad_value], dtype=classes.dtype)
        return ordered, (arr == bad_value).astype(np.int8)
    values = classes.tolist()
    if arr.dtype.kind == "b" or (
        arr.dtype.kind in "iuf" and {float(v) for v in values} == {0.0, 1.0}
    ):
        return classes, (arr == classes[1]).astype(np.int8)
    if arr.dtype.kind == "O" and all(isinstance(v, bool | np.bool_) for v in values):
        return classes, (arr == classes[1]).astype(np.int8)
    shown = ", ".join(repr(c) for c in values)
    raise ScoringInputError(
        f"y must be 0/1 (1 = bad) or true/false, got the values {shown}; name the bad one "
        f"with bad_label=... (e.g. Scorecard(bad_label={values[0]!r})) so the scorecard is "
        "not inverted by whichever label sorts last",
        details=[{"field": "y", "value": str(values[-1])}],
    )


def check_dimensions(dimensions: Mapping[str, str] | None, features: list[str]) -> dict[str, str]:
    """Map every feature to a dimension; refuse unknown dimension names and unknown features."""
    given = dict(dimensions or {})
    for feature, dim in given.items():
        if dim not in DIMENSIONS:
            raise ScoringInputError(
                f"unknown dimension {dim!r} for feature {feature!r}; "
                f"use one of {', '.join(DIMENSIONS)}"
            )
    check_known("dimensions", given, features)
    return {f: given.get(f, DEFAULT_DIMENSION) for f in features}


def check_known(param: str, names: Any, features: list[str]) -> None:
    """Refuse a parameter that names a feature X does not have."""
    known = set(features)
    for name in names or ():
        if name not in known:
            raise ScoringInputError(f"{param} names feature {name!r}, which is not a column of X")


def check_positive(name: str, value: Any) -> float:
    """A strictly positive number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ScoringInputError(f"{name} must be a positive number, got {value!r}")
    return float(value)
