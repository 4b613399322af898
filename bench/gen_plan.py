#!/usr/bin/env python3
"""Write a synthetic baton plan with N tasks to stdout (or --out FILE).

The shape follows real plans: a title and an overview, `## Phase k: ...` headings, tasks
`- [ ] T<n> [P] Title words` with `files:` sub-items, `after:` on 0-3 earlier tasks (same or
earlier phases, so there are no cycles), `est:` and `verify:` on some, about a fifth done
(mostly in early phases), nested acceptance checkboxes on a few, and a `## Decisions` section.

    python3 bench/gen_plan.py --tasks 10000 --phases 20 --seed 1 > plan.md

The same seed always gives the same bytes. benches/plan.rs builds plans of the same shape
in-process (its own small generator), so `cargo bench` needs no files from here.
"""

import argparse
import random
import sys

WORDS = (
    "add parse render store index cache session token user project invoice report export "
    "import schema migrate route handler client server queue worker retry config login "
    "signup password reset dashboard upload download search filter sort page audit log "
    "metrics alert email webhook billing plan task phase graph lint verify prompt claim"
).split()
ACCEPTANCE = [
    "returns 200 for a valid request",
    "rejects an expired token",
    "handles an empty input",
    "keeps the existing rows",
    "logs one line per failure",
]


def words(rng, lo, hi):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def generate(tasks, phases, seed):
    rng = random.Random(seed)
    phases = max(1, min(phases, tasks)) if tasks else max(1, phases)
    out = [
        f"# Synthetic plan: {tasks} tasks in {phases} phases",
        "",
        "## Overview",
        "",
        "A generated plan for benchmarks. Every session reads this overview first: "
        + words(rng, 20, 40)
        + ".",
        "",
    ]
    per_phase = -(-tasks // phases) if tasks else 0
    n = 0
    for k in range(1, phases + 1):
        out += [f"## Phase {k}: {words(rng, 2, 4).capitalize()}", ""]
        for _ in range(per_phase):
            if n == tasks:
                break
            n += 1
            # About a fifth done, most of them in the early phases.
            mark = "x" if rng.random() < 0.4 * (phases - k + 1) / phases else " "
            par = " [P]" if rng.random() < 0.6 else ""
            out.append(f"- [{mark}] T{n}{par} {words(rng, 3, 8).capitalize()}")
            out.append(f"  - files: src/mod{k}/file{n}.rs")
            if n > 1:
                # Earlier tasks only, mostly recent ones: no cycles, realistic fan-in.
                window = range(max(1, n - 60), n)
                picks = sorted(rng.sample(window, min(rng.randint(0, 3), len(window))))
                if picks:
                    out.append("  - after: " + ", ".join(f"T{d}" for d in picks))
            if rng.random() < 0.3:
                out.append(f"  - est: {rng.choice(['30m', '1h', '2h', '4h', '1d'])}")
            if rng.random() < 0.25:
                out.append(f"  - verify: `cargo test mod{k}_file{n}`")
            if rng.random() < 0.05:
                for text in rng.sample(ACCEPTANCE, 2):
                    out.append(f"  - [{'x' if mark == 'x' else ' '}] {text}")
        out.append("")
    out += ["## Decisions", ""]
    for d in range(1, min(tasks, 5) + 1):
        out.append(f"- 2026-01-2{d} T{d}: {words(rng, 4, 10)}")
    out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=1000, help="number of tasks (default 1000)")
    ap.add_argument("--phases", type=int, default=10, help="number of phases (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", help="write here instead of stdout")
    args = ap.parse_args()
    if args.tasks < 0 or args.phases < 1:
        ap.error("--tasks must be >= 0 and --phases >= 1")
    text = generate(args.tasks, args.phases, args.seed)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
