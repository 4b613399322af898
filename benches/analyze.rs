//! Analyzer benchmarks, and the scheduler's quality on random plans.
//!
//! `cargo bench --bench analyze` (add `-- --quick` for a fast pass). Before timing, it
//! prints the schedule quality: the mean, over random dependency graphs, of the lanes'
//! makespan divided by the lower bound max(T∞, T1/N) (1.00 is optimal; no schedule can go
//! below it). Then it times `analyze` (parse excluded) on 10k- and 100k-task plans with
//! 8 sessions, in process; `bench/analyze.sh` times the whole command.

#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::hint::black_box;

use baton::analyze::{Options, analyze};
use baton::plan;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// A plan of `tasks` tasks in `phases` phases: each task waits for up to 3 tasks among the
/// 40 before it, estimates of 1–8 hours, its own files; with `shared`, that fraction of
/// tasks also writes one of five shared files (so conflicts constrain the lanes).
fn random_plan(rng: &mut Rng, tasks: usize, phases: usize, shared: f64) -> String {
    let mut s = String::from("# Random\n\n## Overview\nGenerated.\n");
    let per_phase = tasks.div_ceil(phases);
    for t in 0..tasks {
        if t % per_phase == 0 {
            let _ = write!(s, "\n## Phase {}\n\n", t / per_phase + 1);
        }
        let _ = writeln!(s, "- [ ] T{} task {t}", t + 1);
        let phase_start = t - t % per_phase;
        let mut deps = Vec::new();
        for _ in 0..rng.range(0, 3) {
            let window = (t - phase_start).min(40);
            if window > 0 {
                let d = t - rng.range(1, window);
                if !deps.contains(&d) {
                    deps.push(d);
                }
            }
        }
        if !deps.is_empty() {
            let ids: Vec<String> = deps.iter().map(|d| format!("T{}", d + 1)).collect();
            let _ = writeln!(s, "  - after: {}", ids.join(", "));
        }
        let mut files = format!("src/m{}/f{t}.rs", t % 97);
        if rng.chance(shared) {
            let _ = write!(files, ", src/shared{}.rs", rng.range(1, 5));
        }
        let _ = writeln!(s, "  - files: {files}");
        let _ = writeln!(s, "  - est: {}h", rng.range(1, 8));
    }
    s
}

fn quality() {
    let options = |n| Options {
        sessions: Some(n),
        history_from: None,
        ..Options::default()
    };
    println!("schedule quality: mean makespan / lower bound over 100 random plans per row");
    for (label, shared) in [("no shared files", 0.0), ("20% write a shared file", 0.2)] {
        for sessions in [2u32, 4, 8, 16] {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ u64::from(sessions));
            let mut sum = 0.0;
            let mut worst: f64 = 0.0;
            let runs = 100;
            for _ in 0..runs {
                let n = rng.range(20, 300);
                let phases = rng.range(1, 4);
                let src = random_plan(&mut rng, n, phases, shared);
                let parsed = plan::parse(src.as_bytes());
                let Ok(a) = analyze(&parsed, &options(sessions)) else {
                    continue;
                };
                let ratio = a.schedule.makespan as f64 / a.lower_bound as f64;
                sum += ratio;
                worst = worst.max(ratio);
            }
            println!(
                "  {label:<24} N={sessions:<2}  mean {:.3}  worst {worst:.3}",
                sum / f64::from(runs)
            );
        }
    }
}

fn bench(c: &mut Criterion) {
    quality();
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for &(tasks, phases) in &[(10_000usize, 20usize), (100_000, 50)] {
        let mut rng = Rng(42);
        let src = random_plan(&mut rng, tasks, phases, 0.02);
        let parsed = plan::parse(src.as_bytes());
        let options = Options {
            sessions: Some(8),
            history_from: None,
            ..Options::default()
        };
        group.bench_with_input(BenchmarkId::new("sessions-8", tasks), &parsed, |b, p| {
            b.iter(|| analyze(black_box(p), &options).map(|a| a.schedule.makespan))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
