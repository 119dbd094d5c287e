"""Discrimination metrics of a scorecard: AUC, KS and Gini."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve


def discrimination(bad: np.ndarray, risk: np.ndarray) -> dict[str, float | None]:
    """AUC, Kolmogorov–Smirnov statistic and Gini (2 AUC - 1) of a risk estimate against 0/1 bad.

    ``risk`` grows with the chance of being bad (a probability, or minus a score). All None when
    ``bad`` holds one class only.
    """
    bad = np.asarray(bad)
    if len(np.unique(bad)) < 2:
        return {"auc": None, "ks": None, "gini": None}
    auc = float(roc_auc_score(bad, risk))
    fpr, tpr, _ = roc_curve(bad, risk)
    return {"auc": auc, "ks": float(np.max(tpr - fpr)), "gini": 2 * auc - 1}
