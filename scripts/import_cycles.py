"""Import cycles in credo (lazy and TYPE_CHECKING imports too): between packages, between modules.

Run: .venv/bin/python scripts/import_cycles.py [-v]
"""

import sys
from collections import defaultdict

import grimp

sys.setrecursionlimit(100000)


def sccs(edges):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    nodes = set(edges) | {b for bs in edges.values() for b in bs}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


g = grimp.build_graph("credo", include_external_packages=False)
pkg, mod = defaultdict(set), defaultdict(set)
for m in g.modules:
    for imp in g.find_modules_directly_imported_by(m):
        a, b = m.split("."), imp.split(".")
        if len(a) > 1 and len(b) > 1 and a[1] != b[1]:
            pkg[a[1]].add(b[1])
        mod[m].add(imp)
pairs = sorted({tuple(sorted((a, b))) for a in pkg for b in pkg[a] if a in pkg.get(b, ())})
print("package SCCs:", sccs(pkg))
print("mutual package pairs:", len(pairs), pairs)
inner = sccs(mod)
print("module SCCs:", len(inner))
for c in inner:
    print("  ", c if len(c) < 10 else f"{len(c)} modules: {c}")
if "-v" in sys.argv:
    for a in sorted(pkg):
        print(a, "->", sorted(pkg[a]))
