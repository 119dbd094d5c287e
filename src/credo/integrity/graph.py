"""The one module that imports the graph library (python-igraph): components of edge lists.

Edge lists arrive as NumPy arrays of arbitrary integer node ids; they are relabelled to
dense indices once, so the graph holds only nodes that carry edges. igraph was chosen over
rustworkx by measurement (docs/integrity.md): build plus SCC on 10 M edges, 13 s against 25 s.
"""

from __future__ import annotations

import igraph as ig
import numpy as np


def dense(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(node ids, src index, dst index): ids sorted, edges relabelled to 0..n-1."""
    nodes, inverse = np.unique(np.concatenate([src, dst]), return_inverse=True)
    return nodes, inverse[: len(src)], inverse[len(src) :]


def _components(n: int, a: np.ndarray, b: np.ndarray, *, directed: bool) -> np.ndarray:
    edges = list(zip(a.tolist(), b.tolist(), strict=True))
    graph = ig.Graph(n=n, edges=edges, directed=directed)
    mode = "strong" if directed else "weak"
    return np.asarray(graph.connected_components(mode=mode).membership, dtype=np.int64)


def strong_components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes in the directed graph ``src -> dst``."""
    return _components(n, src, dst, directed=True)


def weak_components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes in the undirected graph ``a -- b``."""
    return _components(n, a, b, directed=False)
