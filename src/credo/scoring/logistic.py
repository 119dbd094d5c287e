"""Logistic regression on weights of evidence, with sign bounds where directions are declared.

WoE is positive for safer bins, so a coefficient must be zero or negative for the points to
follow the bins' order. A plain fit usually gives that; when collinear features push one
coefficient positive, the fit is redone with that bound (L-BFGS-B), so a declared direction can
never be reversed by the regression.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression


def fit_logistic(
    woe: np.ndarray, bad: np.ndarray, *, C: float, max_iter: int, nonpositive: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(coef 1 x k, intercept (1,), n_iter (1,)) of an L2 logistic regression of bad on WoE.

    Columns where ``nonpositive`` is true get a coefficient <= 0.
    """
    lr = LogisticRegression(C=C, max_iter=max_iter).fit(woe, bad)
    coef = lr.coef_.astype(np.float64)
    intercept = lr.intercept_.astype(np.float64)
    n_iter = np.asarray(lr.n_iter_).copy()
    if not (coef[0][nonpositive] > 0).any():
        return coef, intercept, n_iter
    X = np.asarray(woe, dtype=np.float64)
    y = np.asarray(bad, dtype=np.float64)
    k = X.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:k], theta[k]
        z = X @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        value = C * float(np.sum(np.logaddexp(0.0, z) - y * z)) + 0.5 * float(w @ w)
        r = C * (p - y)
        grad = np.concatenate([X.T @ r + w, [r.sum()]])
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
