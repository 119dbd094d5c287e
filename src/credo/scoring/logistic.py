"""Logistic regression on weights of evidence, with sign bounds where directions are declared.

WoE is positive for safer bins, so a coefficient must be zero or negative for the points to
follow the bins' order. A plain fit usually gives that; when collinear features push one
coefficient positive, the fit is redone with that bound (L-BFGS-B), so a declared direction can
never be reversed by the regression.

Every row's WoE vector is fixed by its bins, so rows are first collapsed to their distinct bin
patterns with counts of goods and bads: the weighted fit has exactly the same objective as the
fit on every row, at the cost of the number of patterns instead of the number of subjects.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression


def collapse(
    index: np.ndarray, n_bins: list[int], bad: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(distinct bin rows, bads per row, goods per row), or None when the codes would overflow."""
    radix = 1
    for n in n_bins:
        radix *= max(int(n), 1)
        if radix >= 2**62:
            return None
    code = np.zeros(index.shape[0], dtype=np.int64)
    for j, n in enumerate(n_bins):
        code = code * int(n) + index[:, j].astype(np.int64)
    uniq, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    n_bad = np.bincount(inverse, weights=bad, minlength=len(uniq))
    n_all = np.bincount(inverse, minlength=len(uniq)).astype(np.float64)
    return index[first], n_bad, n_all - n_bad


P = ParamSpec("P")
T = TypeVar("T")


def _one_blas_thread(fit: Callable[P, T]) -> Callable[P, T]:
    """``fit`` with BLAS on one thread: the matrices are thin (a column per feature), and
    extra threads only contend with the batch engine's."""

    @functools.wraps(fit)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, user_api="blas"):
            return fit(*args, **kwargs)

    return run


@_one_blas_thread
def fit_logistic(
    woe: np.ndarray,
    bad: np.ndarray,
    *,
    C: float,
    max_iter: int,
    nonpositive: np.ndarray,
    weight: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(coef 1 x k, intercept (1,), n_iter (1,)) of an L2 logistic regression of bad on WoE.

    Columns where ``nonpositive`` is true get a coefficient <= 0. ``weight`` weighs rows (the
    collapsed patterns' counts). BLAS runs on one thread (``_one_blas_thread``).
    """
    lr = LogisticRegression(C=C, max_iter=max_iter).fit(woe, bad, sample_weight=weight)
    coef = lr.coef_.astype(np.float64)
    intercept = lr.intercept_.astype(np.float64)
    n_iter = np.asarray(lr.n_iter_).copy()
    if not (coef[0][nonpositive] > 0).any():
        return coef, intercept, n_iter
    X = np.asarray(woe, dtype=np.float64)
    y = np.asarray(bad, dtype=np.float64)
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
    k = X.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        b = theta[k]
        z = X @ theta[:k] + b
        p = 1.0 / (1.0 + np.exp(-z))
        value = C * float(w @ (np.logaddexp(0.0, z) - y * z)) + 0.5 * float(theta[:k] @ theta[:k])
        r = C * w * (p - y)
        grad = np.concatenate([X.T @ r + theta[:k], [r.sum()]])
        return value, grad

    start = np.concatenate(
        [np.minimum(coef[0], 0.0) * nonpositive + coef[0] * ~nonpositive, intercept]
    )
    bounds = [(None, 0.0) if nonpositive[j] else (None, None) for j in range(k)] + [(None, None)]
    res = minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": max_iter}
    )
    coef = res.x[:k].reshape(1, k)
    coef[0][nonpositive] = np.minimum(coef[0][nonpositive], 0.0)
    return coef, np.array([res.x[k]]), np.array([int(res.nit)], dtype=np.int32)
