#!/usr/bin/env python3
"""Converts the Standard Task Graph set (Kasahara lab) into baton's compact fixture.

Run once; the benchmark and the tests read the fixture, never the network.

    bench/stg/convert.py --git PATH_TO_MSP_REPO_GIT_DIR   # read with `git show HEAD:...`
    bench/stg/convert.py --dir PATH_TO_CHECKOUT           # read files from a checkout

Source: the `50/`, `100/` and `Optimal_values/` folders of the GitHub repository
thelonesailor/MSP (CC0). Writes tests/fixtures/stg/rand{50,100}.txt and optima.csv.

Instance format, one line per instance:  `name t1 t2 ... tn`, tasks numbered 1..n (the two
dummy nodes dropped); token ti is task i's cost, then, if it waits for others, `:` and their
numbers joined by `,` (`7:2,5`: cost 7, waits for tasks 2 and 5). Only the transitive
reduction of the precedence relation is kept (an edge implied by a longer path is dropped):
the same order, so the same schedules, in a third of the bytes. optima.csv: `n,name,P,lower,upper`; lower == upper
when the optimum is proven, else the best known bounds.
"""
import argparse
import os
import subprocess
import sys

SIZES = (50, 100)
PROCS = (2, 4, 8, 16)


def reader(args):
    if args.git:
        def read(path):
            return subprocess.run(["git", "-C", args.git, "show", "HEAD:" + path],
                                  check=True, capture_output=True, text=True).stdout
        def names(folder):
            out = subprocess.run(["git", "-C", args.git, "ls-tree", "--name-only", "HEAD", folder + "/"],
                                 check=True, capture_output=True, text=True).stdout
            return sorted(os.path.basename(x) for x in out.split())
    else:
        def read(path):
            with open(os.path.join(args.dir, path)) as f:
                return f.read()
        def names(folder):
            return sorted(os.listdir(os.path.join(args.dir, folder)))
    return read, names


def parse_stg(text):
    rows = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        rows.append([int(x) for x in line.split()])
    n = rows[0][0]
    costs, edges = [], []
    for row in rows[1:n + 3]:
        node, cost, npred, preds = row[0], row[1], row[2], row[3:]
        assert len(preds) == npred, row
        if 1 <= node <= n:
            costs.append(cost)
            edges.extend((p, node) for p in preds if p != 0)
        elif node != 0:
            assert cost == 0  # the exit dummy
    assert len(costs) == n
    return costs, edges


def reduce(n, edges):
    """Per task 1..n, its direct predecessors in the transitive reduction, sorted."""
    preds = {v: set() for v in range(1, n + 1)}
    for a, b in edges:
        preds[b].add(a)
    ancestors = {}
    for v in range(1, n + 1):  # STG numbers tasks topologically
        assert all(p < v for p in preds[v])
        ancestors[v] = set().union(*(ancestors[p] | {p} for p in preds[v])) if preds[v] else set()
    out = {}
    for v in range(1, n + 1):
        implied = set().union(*(ancestors[p] for p in preds[v])) if preds[v] else set()
        out[v] = sorted(preds[v] - implied)
    return out


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--git")
    src.add_argument("--dir")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "stg"))
    args = ap.parse_args()
    read, names = reader(args)
    os.makedirs(args.out, exist_ok=True)
    for size in SIZES:
        lines = []
        for name in names(str(size)):
            if not name.endswith(".stg"):
                continue
            costs, edges = parse_stg(read(f"{size}/{name}"))
            preds = reduce(len(costs), edges)
            tokens = [str(c) + (":" + ",".join(map(str, preds[i + 1])) if preds[i + 1] else "")
                      for i, c in enumerate(costs)]
            lines.append(name[:-4] + " " + " ".join(tokens))
        with open(os.path.join(args.out, f"rand{size}.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
    optima = ["n,name,P,lower,upper"]
    for size in SIZES:
        for p in PROCS:
            for line in read(f"Optimal_values/Case{size}_{p}_OPT.csv").split():
                cols = line.strip().split(",")
                name = os.path.basename(cols[0])[:-4]
                lower = int(cols[2])
                upper = int(cols[3]) if len(cols) > 3 else lower
                assert int(cols[1]) == p
                optima.append(f"{size},{name},{p},{lower},{upper}")
    with open(os.path.join(args.out, "optima.csv"), "w") as f:
        f.write("\n".join(optima) + "\n")
    print(f"wrote {len(optima) - 1} optima", file=sys.stderr)


if __name__ == "__main__":
    main()
