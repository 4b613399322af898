//! How many sessions the lanes really use, and A306 `lane-over-budget`.
//!
//! The recommended number of sessions starts from the dependency graph alone; the lanes also
//! keep tasks whose files overlap (or are unknown) apart, and may then keep sessions idle.
//! [`busy_at_once`] says how many the lanes use, so the recommendation follows the lanes.
//!
//! A306: lanes that hold more work than one agent session is given (the default session
//! budget, [`budget::DEFAULT`]). What looks like one phase for one session may need several:
//! `baton run` splits such a lane at task boundaries, and a single task over the budget is
//! better split in the plan.

use super::independence::Finding;
use crate::graph::schedule::Schedule;
use crate::plan::{Plan, Severity};
use crate::run::budget::{self, Budget};

/// The most sessions that work at the same moment in `schedule` (at least 1): what running
/// more than this many buys nothing.
pub fn busy_at_once(schedule: &Schedule) -> u32 {
    // (time, +1 when a task starts / -1 when one ends); ends sort before starts at the same
    // minute, so back-to-back tasks on one session count once.
    let mut events: Vec<(u64, i32)> = schedule
        .lanes
        .iter()
        .flat_map(|lane| lane.slots.iter())
        .filter(|slot| slot.end > slot.start)
        .flat_map(|slot| [(slot.start, 1), (slot.end, -1)])
        .collect();
    events.sort_unstable();
    let (mut now, mut most) = (0i32, 1i32);
    for (_, step) in events {
        now += step;
        most = most.max(now);
    }
    most as u32
}

pub const CODE: &str = "A306";
pub const NAME: &str = "lane-over-budget";

/// One finding per lane whose estimated hours exceed `budget` (hours; a token budget needs
/// file sizes and is not checked here).
pub fn over_budget(plan: &Plan, schedule: &Schedule, budget: &Budget) -> Vec<Finding> {
    if !matches!(budget, Budget::Hours(_)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for lane in &schedule.lanes {
        let tasks: Vec<usize> = lane.slots.iter().map(|s| s.task).collect();
        let parts = budget::split_parts(&tasks, plan, budget, |t| budget::hours_of(plan, t));
        let total: f64 = parts.iter().map(|p| p.cost).sum();
        if parts.len() < 2 && !parts.iter().any(|p| p.oversized) {
            continue;
        }
        let phase = &plan.phases[lane.phase].title;
        let oversized: Vec<String> = parts
            .iter()
            .filter(|p| p.oversized)
            .flat_map(|p| p.tasks.iter().map(|&t| plan.tasks[t].display_id()))
            .collect();
        let message = if parts.len() == 1 {
            format!(
                "{} alone holds {} of work, more than one session's budget ({budget}): split the task",
                plan.tasks[tasks[0]].display_id(),
                hours(total)
            )
        } else {
            format!(
                "session {}'s lane in {phase} holds {} of work: what looks like one phase may need {} sessions under a {budget} budget",
                lane.session,
                hours(total),
                parts.len()
            )
        };
        let evidence = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let ids: Vec<String> = p
                    .tasks
                    .iter()
                    .map(|&t| plan.tasks[t].display_id())
                    .collect();
                format!(
                    "session {}: {} ({}{})",
                    i + 1,
                    ids.join(", "),
                    hours(p.cost),
                    if p.oversized {
                        ", over budget alone"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        let hint = if oversized.is_empty() {
            let default = if *budget == budget::DEFAULT {
                ", the default"
            } else {
                ""
            };
            format!(
                "`baton run` splits the lane at task boundaries (`--session-budget {budget}`{default}); or give the tasks `est:` values closer to the truth"
            )
        } else {
            format!(
                "split {} into smaller tasks: no session budget can break a task in two",
                oversized.join(", ")
            )
        };
        out.push(Finding {
            code: CODE,
            name: NAME,
            severity: Severity::Warning,
            message,
            tasks,
            evidence,
            hint: Some(hint),
        });
    }
    out
}

fn hours(h: f64) -> String {
    let text = format!("{h:.2}");
    format!("{} h", text.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Options, analyze};
    use crate::plan::parse;

    fn findings(text: &str, sessions: u32) -> Vec<Finding> {
        let plan = parse(text.as_bytes());
        let options = Options {
            sessions: Some(sessions),
            ..Options::default()
        };
        let analysis = analyze(&plan, &options).expect("no cycle");
        analysis
            .findings
            .into_iter()
            .filter(|f| f.code == CODE)
            .collect()
    }

    #[test]
    fn the_lanes_of_tasks_that_name_no_files_use_one_session() {
        let plan = parse(b"# P\n- [ ] T1 a\n- [ ] T2 b\n- [ ] T3 c\n");
        let analysis = analyze(&plan, &Options::default()).expect("no cycle");
        assert_eq!(busy_at_once(&analysis.schedule), 1);
        assert_eq!(analysis.recommended_sessions, 1);
        let plan = parse(
            b"# P\n- [ ] T1 a\n  - files: a/**\n- [ ] T2 b\n  - files: b/**\n- [ ] T3 c\n  - files: c/**\n",
        );
        let analysis = analyze(&plan, &Options::default()).expect("no cycle");
        assert_eq!(busy_at_once(&analysis.schedule), 3);
        assert_eq!(analysis.recommended_sessions, 3);
    }

    #[test]
    fn a_chain_longer_than_a_session_is_reported_once_with_its_split() {
        let found = findings(
            "# P\n## Phase 1: Core\n- [ ] T1 a\n  - est: 2h\n- [ ] T2 b\n  - est: 2h\n  - after: T1\n- [ ] T3 c\n  - est: 1h\n  - after: T2\n- [ ] T4 d\n  - est: 3h\n  - after: T3\n",
            1,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!((f.name, f.severity), (NAME, Severity::Warning));
        assert_eq!(
            f.message,
            "session 1's lane in Phase 1: Core holds 8 h of work: what looks like one phase may need 2 sessions under a 4h budget"
        );
        assert_eq!(f.tasks, vec![0, 1, 2, 3]);
        assert_eq!(
            f.evidence,
            vec![
                "session 1: T1, T2 (4 h)".to_string(),
                "session 2: T3, T4 (4 h)".to_string(),
            ]
        );
        assert!(
            f.hint
                .as_deref()
                .is_some_and(|h| h.contains("--session-budget 4h"))
        );
    }

    #[test]
    fn a_single_task_over_budget_is_told_to_split() {
        let found = findings("## Phase 1\n- [ ] T1 huge\n  - est: 2d\n", 1);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.starts_with("T1 alone holds 16 h"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .hint
                .as_deref()
                .is_some_and(|h| h.starts_with("split T1"))
        );
    }

    #[test]
    fn lanes_that_fit_are_not_reported() {
        // Four unestimated tasks count one hour each: exactly the budget.
        let plan = "## Phase 1\n- [ ] T1 a\n- [ ] T2 b\n  - after: T1\n- [ ] T3 c\n  - after: T2\n- [ ] T4 d\n  - after: T3\n";
        assert!(findings(plan, 1).is_empty());
        // Closed tasks cost nothing.
        let done = "## Phase 1\n- [x] T1 a\n  - est: 9h\n- [ ] T2 b\n  - est: 1h\n";
        assert!(findings(done, 1).is_empty());
        // A token budget is not checked without file sizes.
        let p = parse(b"## Phase 1\n- [ ] T1 huge\n  - est: 2d\n");
        let a = analyze(&p, &Options::default()).expect("no cycle");
        assert!(over_budget(&p, &a.schedule, &Budget::Tokens(1)).is_empty());
    }
}
