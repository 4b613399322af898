#!/usr/bin/env python3
"""Lanes against the Standard Task Graph set: quality and whole-process time.

Reads the fixture (tests/fixtures/stg, made once by convert.py; nothing is fetched), writes
each instance as a plan (`est:` in minutes, `after:` edges, one file per task), runs
`baton analyze --plan PLAN --sessions P --json --history 0` and prints per n and P: % of the
instances with a proven optimum on which the makespan is optimal, mean and worst ratio to the
optimum, how often the lanes are proven optimal, how often worse than plain critical-path
list scheduling (`list_makespan_minutes`), and the median wall time per instance (the
whole process, start to exit; each instance runs `--repeat` times and counts with its median,
so a burst of noise on a shared host moves one run, not a row). The last line is the floor
of the same measurement: `/bin/true` started and waited for in the same way.

    bench/stg/run.py [--bin PATH] [--fixture DIR] [--every K] [--effort N] [--repeat R]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def plan_text(line):
    tokens = line.split()
    out = ["# STG", "", "## Tasks", ""]
    for i, token in enumerate(tokens[1:], start=1):
        cost, _, preds = token.partition(":")
        out.append(f"- [ ] T{i} task")
        out.append(f"  - files: t/{i}.rs")
        out.append(f"  - est: {cost}m")
        if preds:
            out.append("  - after: " + ", ".join("T" + p for p in preds.split(",")))
    return tokens[0], "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    ap.add_argument("--bin", default=os.path.join(target, "release", "baton"))
    ap.add_argument("--fixture", default=os.path.join(ROOT, "tests", "fixtures", "stg"))
    ap.add_argument("--every", type=int, default=1, help="take every K-th instance")
    ap.add_argument("--effort", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3, help="runs per instance (median counts)")
    args = ap.parse_args()

    optima = {}
    with open(os.path.join(args.fixture, "optima.csv")) as f:
        next(f)
        for row in f:
            n, name, p, lo, hi = row.strip().split(",")
            optima[(int(n), name, int(p))] = (int(lo), int(hi))

    print(f"{'n':>4} {'P':>3} {'optimal':>9} {'mean':>7} {'worst':>7} {'proven':>7} {'>list':>6} {'median ms':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (50, 100):
            with open(os.path.join(args.fixture, f"rand{n}.txt")) as f:
                lines = [l for l in f.read().splitlines() if l][:: args.every]
            plans = []
            for line in lines:
                name, text = plan_text(line)
                path = os.path.join(tmp, f"{n}-{name}.md")
                with open(path, "w") as out:
                    out.write(text)
                plans.append((name, path))
            for p in (2, 4, 8, 16):
                optimal = proven_rows = proven_claims = worse = 0
                ratios, times = [], []
                for name, path in plans:
                    cmd = [args.bin, "analyze", "--plan", path, "--sessions", str(p), "--json", "--history", "0"]
                    if args.effort:
                        cmd += ["--effort", str(args.effort)]
                    runs = []
                    for _ in range(max(1, args.repeat)):
                        t0 = time.perf_counter()
                        run = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
                        runs.append((time.perf_counter() - t0) * 1000)
                    times.append(statistics.median(runs))
                    if run.returncode not in (0, 1):
                        sys.exit(f"{name} P={p}: exit {run.returncode}: {run.stderr}")
                    lanes = json.loads(run.stdout)["lanes"]
                    m = lanes["makespan_minutes"]
                    lo, hi = optima[(n, name, p)]
                    assert m >= lo, (name, p, m, lo)
                    proven_claims += lanes["proven_optimal"]
                    worse += m > lanes["list_makespan_minutes"]
                    if lo == hi:
                        proven_rows += 1
                        optimal += m == lo
                        ratios.append(m / lo)
                print(f"{n:>4} {p:>3} {100 * optimal / proven_rows:>8.1f}% {statistics.mean(ratios):>7.4f} "
                      f"{max(ratios):>7.4f} {proven_claims:>7} {worse:>6} {statistics.median(times):>10.2f}")

    floor = []
    for _ in range(200):
        t0 = time.perf_counter()
        subprocess.run(["/bin/true"], capture_output=True, text=True)
        floor.append((time.perf_counter() - t0) * 1000)
    print(f"{'floor (/bin/true, same harness)':>56} {statistics.median(floor):>10.2f}")


if __name__ == "__main__":
    main()
