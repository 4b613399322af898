//! Property tests for the scheduler over random plans: random dependency DAGs spread over
//! phases (some overlapping their predecessor), random scopes drawn from a small pool of
//! literal paths and globs (so they collide often), some tasks without a scope, some done.
//!
//! The plans are written as Markdown and parsed, so the whole path from text to lanes is
//! exercised. For every schedule:
//! - every open task is placed exactly once, on a lane of its own phase;
//! - no task starts before what it waits for has ended (dependencies, `blocks`, phase order);
//! - no two tasks whose scopes overlap, and no task without a scope and any other task,
//!   run at the same time; a session runs one task at a time;
//! - the makespan is never below the lower bound max(T∞, T1/N), nor below the bound the
//!   scheduler reports;
//! - the searched lanes ([`plan`]) keep all of the above, are never longer than the
//!   critical-path list schedule, and are the same lanes when computed twice.

use proptest::prelude::*;

use super::flow::{self, Flow};
use super::schedule::{Schedule, Slot, list_schedule, plan as search};
use super::scope::Scopes;
use crate::plan::parse;

const SCOPES: &[&str] = &[
    "src/a/**",
    "src/a/x.rs",
    "src/b/*.rs",
    "src/b/y.py",
    "src/*",
    "Cargo.toml",
    "docs/**",
    "tests/t.rs",
    "db/migrations/**",
    "web/{a,b}.ts",
];

/// One generated task: phase (non-decreasing), deps (earlier tasks), scope indices (empty =
/// none), est in half-hours (0 = absent), done, and a later task it blocks.
type TaskGen = (usize, Vec<usize>, Vec<usize>, u8, bool, Option<usize>);

#[derive(Debug, Clone)]
struct Gen {
    phase_overlaps: Vec<bool>,
    tasks: Vec<TaskGen>,
}

fn generator() -> impl Strategy<Value = Gen> {
    (1usize..5, 1usize..36).prop_flat_map(|(phases, n)| {
        let overlaps = proptest::collection::vec(any::<bool>(), phases);
        let tasks = proptest::collection::vec(
            (
                0..phases,
                proptest::collection::vec(any::<proptest::sample::Index>(), 0..3),
                proptest::collection::vec(0..SCOPES.len(), 0..3),
                0u8..6,
                proptest::bool::weighted(0.15),
                proptest::option::weighted(0.1, any::<proptest::sample::Index>()),
            ),
            n,
        );
        (overlaps, tasks).prop_map(|(phase_overlaps, raw)| {
            let mut phases: Vec<usize> = raw.iter().map(|r| r.0).collect();
            phases.sort_unstable();
            let count = raw.len();
            let tasks = raw
                .into_iter()
                .enumerate()
                .map(|(i, (_, deps, scopes, est, done, blocks))| {
                    let deps: Vec<usize> = if i == 0 {
                        Vec::new()
                    } else {
                        deps.iter().map(|d| d.index(i)).collect()
                    };
                    let blocks = blocks
                        .filter(|_| i + 1 < count)
                        .map(|b| i + 1 + b.index(count - i - 1));
                    (phases[i], deps, scopes, est, done, blocks)
                })
                .collect();
            Gen {
                phase_overlaps,
                tasks,
            }
        })
    })
}

fn render(g: &Gen) -> String {
    let mut out = String::from("# Random plan\n\n");
    let mut phase = usize::MAX;
    for (i, (p, deps, scopes, est, done, blocks)) in g.tasks.iter().enumerate() {
        if *p != phase {
            phase = *p;
            let marker = if g.phase_overlaps[phase] { " (P)" } else { "" };
            out.push_str(&format!("\n## Phase {}{marker}\n\n", phase + 1));
        }
        let mark = if *done { 'x' } else { ' ' };
        out.push_str(&format!("- [{mark}] T{} task {i}\n", i + 1));
        if !deps.is_empty() {
            let ids: Vec<String> = deps.iter().map(|d| format!("T{}", d + 1)).collect();
            out.push_str(&format!("  - after: {}\n", ids.join(", ")));
        }
        if let Some(b) = blocks {
            out.push_str(&format!("  - blocks: T{}\n", b + 1));
        }
        if !scopes.is_empty() {
            let s: Vec<&str> = scopes.iter().map(|&s| SCOPES[s]).collect();
            out.push_str(&format!("  - files: {}\n", s.join(", ")));
        }
        if *est > 0 {
            out.push_str(&format!("  - est: {}m\n", u32::from(*est) * 30));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn schedules_respect_dependencies_conflicts_and_the_bound(g in generator(), sessions in 1u32..6) {
        let src = render(&g);
        let plan = parse(src.as_bytes());
        prop_assert_eq!(plan.tasks.len(), g.tasks.len(), "{}", src);
        let index = super::id_index(&plan);
        // Later-phase deps cannot occur (deps point backwards), so there is never a cycle.
        let flow = Flow::build(&plan, &index).map_err(|e| TestCaseError::fail(format!("{e:?}\n{src}")))?;
        let scopes = Scopes::build(&plan, false);
        let phase_of: Vec<usize> = plan.tasks.iter().map(|t| t.phase).collect();
        let list = list_schedule(&flow, &scopes, &phase_of, sessions);
        let planned = search(&flow, &scopes, &phase_of, sessions, 1);
        prop_assert!(planned.schedule.makespan <= list.makespan, "searched lanes longer than the list\n{}", src);
        prop_assert!(planned.lower_bound <= planned.schedule.makespan);
        prop_assert_eq!(planned.list_makespan, list.makespan);
        let again = search(&flow, &scopes, &phase_of, sessions, 1);
        prop_assert_eq!(&again.schedule, &planned.schedule, "not deterministic\n{}", src);
        for s in [&list, &planned.schedule] {
            check(s, &plan, &flow, &scopes, &phase_of, sessions, &src)?;
        }
        let total = flow.total_minutes();
        let (_, critical) = flow.critical_path();
        let bound = (critical as f64).max(total as f64 / f64::from(sessions));
        for s in [&list, &planned.schedule] {
            prop_assert!(s.makespan as f64 >= bound - 1e-9, "makespan {} below bound {}\n{}", s.makespan, bound, src);
        }
        prop_assert!(flow::speedup_bound(total, critical, sessions) <= f64::from(sessions) + 1e-9);
    }
}

fn check(
    s: &Schedule,
    plan: &crate::plan::Plan,
    flow: &Flow,
    scopes: &Scopes,
    phase_of: &[usize],
    sessions: u32,
    src: &str,
) -> Result<(), TestCaseError> {
    let mut placed: Vec<Option<Slot>> = vec![None; plan.tasks.len()];
    for lane in &s.lanes {
        prop_assert!(lane.session >= 1 && lane.session <= sessions);
        for slot in &lane.slots {
            prop_assert_eq!(
                phase_of[slot.task],
                lane.phase,
                "lane crosses a phase\n{}",
                src
            );
            prop_assert!(placed[slot.task].is_none(), "placed twice\n{}", src);
            placed[slot.task] = Some(*slot);
        }
    }
    // Finish time of every node (tasks placed; others finish when their inputs do).
    let mut finish = vec![0u64; flow.nodes()];
    for &v in &flow.order {
        let v = v as usize;
        let ready = flow
            .preds(v)
            .iter()
            .map(|&p| finish[p as usize])
            .max()
            .unwrap_or(0);
        if flow.is_work(v) {
            let slot = placed[v]
                .ok_or_else(|| TestCaseError::fail(format!("T{} not placed\n{src}", v + 1)))?;
            prop_assert!(
                slot.start >= ready,
                "T{} starts before its inputs end\n{}",
                v + 1,
                src
            );
            prop_assert_eq!(slot.end - slot.start, flow.minutes[v]);
            finish[v] = slot.end;
        } else {
            prop_assert!(
                v >= plan.tasks.len() || placed[v].is_none(),
                "non-work placed"
            );
            finish[v] = ready;
        }
    }
    // Phase order, checked from the plan rather than from the graph: a phase starts when
    // every earlier phase is done, or, marked (P), when its predecessor may start.
    let phases = plan.phases.len();
    let mut done_by = vec![0u64; phases];
    for t in 0..plan.tasks.len() {
        let k = phase_of[t];
        done_by[k] = done_by[k].max(finish[t]);
    }
    for k in 1..phases {
        done_by[k] = done_by[k].max(done_by[k - 1]);
    }
    let mut gate = vec![0u64; phases];
    for k in 1..phases {
        gate[k] = if flow.overlaps_previous[k] {
            gate[k - 1]
        } else {
            done_by[k - 1]
        };
    }
    for (t, slot) in placed.iter().enumerate() {
        if let Some(slot) = slot {
            prop_assert!(
                slot.start >= gate[phase_of[t]],
                "T{} starts before its phase may\n{}",
                t + 1,
                src
            );
        }
    }
    // Nothing conflicting at the same time; one task per session at a time.
    let slots: Vec<(usize, Slot)> = placed
        .iter()
        .enumerate()
        .filter_map(|(t, s)| s.map(|s| (t, s)))
        .collect();
    for (i, &(a, sa)) in slots.iter().enumerate() {
        for &(b, sb) in &slots[i + 1..] {
            let overlap_in_time = sa.start < sb.end && sb.start < sa.end;
            if overlap_in_time {
                prop_assert!(
                    scopes.conflict(a, b).is_none(),
                    "T{} and T{} conflict but overlap in time\n{}",
                    a + 1,
                    b + 1,
                    src
                );
            }
        }
    }
    for lane in &s.lanes {
        for pair in lane.slots.windows(2) {
            prop_assert!(pair[0].end <= pair[1].start);
        }
    }
    let same_session: Vec<Vec<Slot>> = (1..=sessions)
        .map(|n| {
            let mut v: Vec<Slot> = s
                .lanes
                .iter()
                .filter(|l| l.session == n)
                .flat_map(|l| l.slots.clone())
                .collect();
            v.sort_by_key(|x| x.start);
            v
        })
        .collect();
    for v in &same_session {
        for pair in v.windows(2) {
            prop_assert!(
                pair[0].end <= pair[1].start,
                "a session runs two tasks at once\n{}",
                src
            );
        }
    }
    Ok(())
}
