//! Parser and editor benchmarks on synthetic plans.
//!
//! `cargo bench --bench plan` (add `-- --quick` for a fast pass). The plans are built in
//! process with the same shape as `bench/gen_plan.py` (phases, `[P]` tasks with `files:`,
//! `after:` on earlier tasks, `est:`, `verify:`, some done, a few acceptance checkboxes, a
//! decisions section), so nothing is read from disk.

use std::fmt::Write as _;
use std::hint::black_box;

use baton::plan::{self, Status, edit};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const WORDS: &[&str] = &[
    "add",
    "parse",
    "render",
    "store",
    "index",
    "cache",
    "session",
    "token",
    "user",
    "project",
    "invoice",
    "report",
    "export",
    "import",
    "schema",
    "migrate",
    "route",
    "handler",
    "client",
    "server",
    "queue",
    "worker",
    "retry",
    "config",
    "login",
    "signup",
    "password",
    "reset",
    "dashboard",
    "upload",
    "search",
    "filter",
    "audit",
    "metrics",
    "webhook",
    "billing",
];

/// Between `lo` and `hi` words of the plan vocabulary, space separated.
fn words(rng: &mut Rng, out: &mut String, lo: usize, hi: usize) {
    for i in 0..rng.range(lo, hi) {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(WORDS));
    }
}

/// A plan with `tasks` tasks in `phases` phases, shaped like `bench/gen_plan.py` output.
fn synthetic_plan(tasks: usize, phases: usize, seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut s = String::with_capacity(tasks * 130);
    let phases = phases.clamp(1, tasks.max(1));
    let _ = write!(
        s,
        "# Synthetic plan: {tasks} tasks in {phases} phases\n\n## Overview\n\n"
    );
    words(&mut rng, &mut s, 20, 40);
    s.push_str(".\n\n");
    let per_phase = tasks.div_ceil(phases);
    let mut n = 0;
    for k in 1..=phases {
        let _ = write!(s, "## Phase {k}: ");
        words(&mut rng, &mut s, 2, 4);
        s.push_str("\n\n");
        for _ in 0..per_phase {
            if n == tasks {
                break;
            }
            n += 1;
            let done = rng.chance(0.4 * (phases - k + 1) as f64 / phases as f64);
            let mark = if done { 'x' } else { ' ' };
            let par = if rng.chance(0.6) { " [P]" } else { "" };
            let _ = write!(s, "- [{mark}] T{n}{par} ");
            words(&mut rng, &mut s, 3, 8);
            let _ = write!(s, "\n  - files: src/mod{k}/file{n}.rs\n");
            let deps = rng.range(0, 3).min(n - 1);
            if deps > 0 {
                // Earlier tasks only, mostly recent ones: no cycles.
                let lo = n.saturating_sub(60).max(1);
                let mut picks: Vec<usize> = (0..deps).map(|_| rng.range(lo, n - 1)).collect();
                picks.sort_unstable();
                picks.dedup();
                s.push_str("  - after: ");
                for (i, d) in picks.iter().enumerate() {
                    let _ = write!(s, "{}T{d}", if i > 0 { ", " } else { "" });
                }
                s.push('\n');
            }
            if rng.chance(0.3) {
                let est = ["30m", "1h", "2h", "4h", "1d"][rng.range(0, 4)];
                let _ = writeln!(s, "  - est: {est}");
            }
            if rng.chance(0.25) {
                let _ = writeln!(s, "  - verify: `cargo test mod{k}_file{n}`");
            }
            if rng.chance(0.05) {
                let _ = writeln!(s, "  - [{mark}] returns 200 for a valid request");
                let _ = writeln!(s, "  - [{mark}] handles an empty input");
            }
        }
        s.push('\n');
    }
    s.push_str("## Decisions\n\n");
    for d in 1..=tasks.min(5) {
        let _ = write!(s, "- 2026-01-2{d} T{d}: ");
        words(&mut rng, &mut s, 4, 10);
        s.push('\n');
    }
    s
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (tasks, phases) in [(1_000, 10), (10_000, 20), (100_000, 50)] {
        let src = synthetic_plan(tasks, phases, 1);
        assert_eq!(
            plan::parse(src.as_bytes()).tasks.len(),
            tasks,
            "generator made {tasks} tasks"
        );
        if tasks >= 100_000 {
            group.sample_size(10);
        }
        group.throughput(Throughput::Bytes(src.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(tasks), &src, |b, src| {
            b.iter(|| plan::parse(black_box(src.as_bytes())));
        });
    }
    group.finish();
    // The same 100k plan on one thread: what the split point saves.
    let mut group = c.benchmark_group("parse-one-thread");
    group.sample_size(10);
    let src = synthetic_plan(100_000, 50, 1);
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.bench_with_input(BenchmarkId::from_parameter(100_000), &src, |b, src| {
        b.iter(|| plan::parse::parse_with(black_box(src.as_bytes()), plan::parse::Split::Never));
    });
    group.finish();
}

/// What `baton done T<k>` does in memory: parse, find the task, flip one byte.
fn done_one_task(c: &mut Criterion) {
    let src = synthetic_plan(10_000, 20, 1);
    let parsed = plan::parse(src.as_bytes());
    let id = parsed
        .tasks
        .iter()
        .skip(5_000)
        .find(|t| t.status == Status::Todo)
        .and_then(|t| t.id.clone())
        .expect("a todo task in the second half");
    let mut group = c.benchmark_group("edit");
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.bench_function("parse+set_status+apply/10000", |b| {
        b.iter(|| {
            let bytes = black_box(src.as_bytes());
            let plan = plan::parse(bytes);
            let task = plan.task(&id).expect("the task is there");
            let change = edit::set_status(&plan, task, Status::Done).expect("it was todo");
            edit::apply(bytes, &[change]).expect("one edit applies")
        });
    });
    group.finish();
}

criterion_group!(benches, parse, done_one_task);
criterion_main!(benches);
