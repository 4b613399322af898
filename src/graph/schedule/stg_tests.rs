//! The scheduler against the Standard Task Graph set (tests/fixtures/stg, CC0): the 50- and
//! 100-task random graphs on 2, 4, 8 and 16 sessions, with proven optima.
//!
//! The CI test takes every 10th instance of each size and P; the full set is an ignored
//! test (`cargo test --release --lib stg_full -- --ignored --nocapture`), and
//! `bench/stg/run.sh` measures the whole command.

use super::{list_schedule, plan};
use crate::graph::flow::Flow;
use crate::graph::id_index;
use crate::graph::scope::Scopes;
use crate::plan::parse;

const RAND50: &str = include_str!("../../../tests/fixtures/stg/rand50.txt");
const RAND100: &str = include_str!("../../../tests/fixtures/stg/rand100.txt");
const OPTIMA: &str = include_str!("../../../tests/fixtures/stg/optima.csv");

/// One fixture line as a plan: task i is `T{i}` with its own file, `est:` its cost in
/// minutes and `after:` what it waits for.
pub(crate) fn plan_text(line: &str) -> (String, String) {
    let mut tokens = line.split_whitespace();
    let name = tokens.next().unwrap_or_default().to_string();
    let mut out = String::from("# STG\n\n## Tasks\n\n");
    for (i, token) in tokens.enumerate() {
        let (cost, preds) = token.split_once(':').unwrap_or((token, ""));
        out.push_str(&format!(
            "- [ ] T{n} task\n  - files: t/{n}.rs\n  - est: {cost}m\n",
            n = i + 1
        ));
        if !preds.is_empty() {
            let ids: Vec<String> = preds.split(',').map(|p| format!("T{p}")).collect();
            out.push_str(&format!("  - after: {}\n", ids.join(", ")));
        }
    }
    (name, out)
}

#[derive(Debug, Default)]
struct Tally {
    proven: usize,
    optimal: usize,
    ratio_sum: f64,
    worst: f64,
    worse_than_list: usize,
}

fn run(size: usize, sessions: u32, every: usize, effort: u32) -> Tally {
    let text = if size == 50 { RAND50 } else { RAND100 };
    let mut tally = Tally::default();
    for line in text.lines().step_by(every) {
        let (name, src) = plan_text(line);
        let Some((lower, upper)) = OPTIMA.lines().find_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c.len() == 5
                && c[0] == size.to_string()
                && c[1] == name
                && c[2] == sessions.to_string())
            .then(|| (c[3].parse::<u64>().ok(), c[4].parse::<u64>().ok()))
        }) else {
            panic!("no optimum for {name} P={sessions}");
        };
        let (Some(lower), Some(upper)) = (lower, upper) else {
            panic!("bad optimum row");
        };
        let plan_ = parse(src.as_bytes());
        let flow = Flow::build(&plan_, &id_index(&plan_)).expect("no cycle");
        let scopes = Scopes::build(&plan_, false);
        let phase_of: Vec<usize> = plan_.tasks.iter().map(|t| t.phase).collect();
        let planned = plan(&flow, &scopes, &phase_of, sessions, effort);
        let list = list_schedule(&flow, &scopes, &phase_of, sessions);
        let m = planned.schedule.makespan;
        assert!(
            m >= lower,
            "{name} P={sessions}: {m} below the optimum {lower}"
        );
        // Unproven rows give the best known bounds: ours may be higher than theirs.
        assert!(
            planned.lower_bound <= upper,
            "{name} P={sessions}: bound {} above a known makespan {upper}",
            planned.lower_bound
        );
        if planned.proven_optimal {
            assert!(
                m <= upper,
                "{name} P={sessions}: proven {m} but {upper} is known"
            );
        }
        if m > list.makespan {
            tally.worse_than_list += 1;
        }
        if lower == upper {
            tally.proven += 1;
            let r = m as f64 / lower as f64;
            tally.optimal += usize::from(m == lower);
            tally.ratio_sum += r;
            tally.worst = tally.worst.max(r);
        }
    }
    tally
}

#[test]
#[allow(clippy::print_stderr)]
fn stg_subset_is_near_optimal_and_never_worse_than_the_list() {
    let (mut proven, mut optimal) = (0, 0);
    let mut worst: f64 = 1.0;
    for size in [50, 100] {
        for p in [2, 4, 8, 16] {
            let t = run(size, p, 10, 1);
            assert_eq!(t.worse_than_list, 0, "n={size} P={p}");
            proven += t.proven;
            optimal += t.optimal;
            worst = worst.max(t.worst);
        }
    }
    eprintln!("every 10th: {optimal} of {proven} optimal, worst {worst:.4}");
    assert!(proven > 100, "{proven}");
    // Every 10th instance is all optimal at the default effort; leave a miss of margin.
    assert!(
        optimal * 100 >= proven * 99,
        "{optimal} of {proven} optimal"
    );
    assert!(worst <= 1.01, "worst {worst}");
}

#[test]
#[ignore = "the whole set; run with --release"]
#[allow(clippy::print_stderr)]
fn stg_full() {
    // `BATON_STG_EFFORT=N` runs the set at another effort.
    let effort = std::env::var("BATON_STG_EFFORT")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(1);
    for size in [50, 100] {
        for p in [2, 4, 8, 16] {
            let t = run(size, p, 1, effort);
            eprintln!(
                "effort {effort} n={size} P={p}: {:.1}% optimal of {}, mean {:.4}, worst {:.4}, worse than list {}",
                100.0 * t.optimal as f64 / t.proven as f64,
                t.proven,
                t.ratio_sum / t.proven as f64,
                t.worst,
                t.worse_than_list
            );
        }
    }
}
