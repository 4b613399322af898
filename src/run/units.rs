//! The units a run dispatches, cut from the phase's lanes before anything starts.
//!
//! A unit is what one session does: a whole lane (`--unit lane`, the default), a part of a
//! lane cut at task boundaries so it fits the session budget, or a single task (`--unit
//! task`). A unit waits for the units holding the tasks its tasks depend on, and the parts of
//! one lane wait for each other in order; the dispatcher starts a unit only once everything
//! it waits for is merged, so its worktree holds that work.
//!
//! Names: a lane that fits one session keeps its session's name (`session-2`); the parts of
//! a split lane are `session-2a`, `session-2b`… (after `z`: `session-2.27`…); a task unit is
//! `task-<id>` (characters a branch name cannot hold become `-`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::plan::Plan;

use super::budget::{self, Budget};

/// What one session is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A lane, or a part of one when the lane does not fit the session budget.
    #[default]
    Lane,
    /// One task.
    Task,
}

/// One lane of the phase as `baton prompts` lays it out.
#[derive(Debug, Clone)]
pub struct LaneIn {
    /// `session-1`.
    pub session: String,
    pub tasks: Vec<String>,
    pub prompt: String,
}

/// One unit: a session's name, tasks (in the order they are done), brief, and the units it
/// waits for.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Unit {
    pub session: String,
    pub tasks: Vec<String>,
    pub prompt: String,
    /// Indices of the units that must be merged before this one starts.
    #[serde(default)]
    pub after: Vec<usize>,
}

/// Cuts the lanes into units: whole lanes split by `budget` (None: never split), or one unit
/// per task. `root` is where a token budget finds the size of the files of a task's scope.
pub fn units(
    plan: &Plan,
    lanes: &[LaneIn],
    kind: UnitKind,
    budget: Option<&Budget>,
    root: &Path,
) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    for lane in lanes {
        let indices: Vec<usize> = lane
            .tasks
            .iter()
            .filter_map(|id| plan.task(id).map(|t| t.index))
            .collect();
        let parts: Vec<Vec<usize>> = match (kind, budget) {
            (UnitKind::Task, _) => indices.iter().map(|&t| vec![t]).collect(),
            (UnitKind::Lane, None) => vec![indices],
            (UnitKind::Lane, Some(b)) => {
                let mut bytes = |entry: &str| scope_bytes(root, entry);
                budget::split(&indices, plan, b, |t| b.task_cost(plan, t, &mut bytes))
            }
        };
        let first = out.len();
        let count = parts.len();
        for (k, part) in parts.into_iter().enumerate() {
            let tasks: Vec<String> = part.iter().map(|&t| plan.tasks[t].display_id()).collect();
            let session = match kind {
                UnitKind::Task => task_unit_name(&tasks[0]),
                UnitKind::Lane if count == 1 => lane.session.clone(),
                UnitKind::Lane => part_name(&lane.session, k),
            };
            let prompt = if tasks.len() == lane.tasks.len() {
                lane.prompt.clone()
            } else {
                format!(
                    "{}{}",
                    lane.prompt,
                    share_section(&tasks, &lane.tasks, kind)
                )
            };
            let after = if k > 0 && kind == UnitKind::Lane {
                vec![first + k - 1]
            } else {
                Vec::new()
            };
            out.push(Unit {
                session,
                tasks,
                prompt,
                after,
            });
        }
    }
    link(plan, &mut out);
    out
}

/// Adds to each unit the units holding a task one of its tasks depends on. An edge that
/// would close a loop between units (lanes that wait for each other both ways) is left out:
/// those units run as `baton run` ran lanes before units, each from where the integration
/// branch is when it starts.
fn link(plan: &Plan, units: &mut [Unit]) {
    let unit_of: BTreeMap<&str, usize> = units
        .iter()
        .enumerate()
        .flat_map(|(i, u)| u.tasks.iter().map(move |t| (t.as_str(), i)))
        .collect();
    let mut wanted: Vec<Vec<usize>> = units.iter().map(|u| u.after.clone()).collect();
    for (i, u) in units.iter().enumerate() {
        for id in &u.tasks {
            let Some(task) = plan.task(id) else { continue };
            for d in &task.deps {
                if let Some(&j) = unit_of.get(d.id.as_str())
                    && j != i
                    && !wanted[i].contains(&j)
                    && !reaches(&wanted, j, i)
                {
                    wanted[i].push(j);
                }
            }
        }
    }
    for (u, mut after) in units.iter_mut().zip(wanted) {
        after.sort_unstable();
        after.dedup();
        u.after = after;
    }
}

/// Whether unit `from` waits, directly or not, for unit `to`.
fn reaches(after: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; after.len()];
    let mut stack = vec![from];
    while let Some(u) = stack.pop() {
        if u == to {
            return true;
        }
        if std::mem::replace(&mut seen[u], true) {
            continue;
        }
        stack.extend(after[u].iter().copied());
    }
    false
}

/// The name of part `k` (0-based) of a split lane: `session-2a`, `session-2b`…
pub fn part_name(session: &str, k: usize) -> String {
    match u8::try_from(k).ok().filter(|&k| k < 26) {
        Some(k) => format!("{session}{}", char::from(b'a' + k)),
        None => format!("{session}.{}", k + 1),
    }
}

/// The name of a task's unit: `task-<id>`, with what a branch name cannot hold as `-`.
pub fn task_unit_name(id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("task-{clean}")
}

/// What a unit's brief adds when the unit is a share of its lane: which tasks are its own.
fn share_section(mine: &[String], lane: &[String], kind: UnitKind) -> String {
    let others: Vec<&str> = lane
        .iter()
        .filter(|t| !mine.contains(t))
        .map(String::as_str)
        .collect();
    let why = match kind {
        UnitKind::Task => "`baton run --unit task` gives each task a session of its own",
        UnitKind::Lane => {
            "this lane holds more work than one session's budget, so `baton run` split it at task boundaries"
        }
    };
    format!(
        "\n\n## This session's share of the lane\n\n{why}. This session does only: {}. \
         The lane's other tasks ({}) are other sessions' work: do not start them. Work this \
         session waits for is merged already and is in this worktree.\n",
        mine.join(", "),
        others.join(", ")
    )
}

/// Bytes of the files a scope entry names under `root`: a file's size, the sizes of the
/// files a folder holds (one level deep), 0 for a glob or what does not exist.
fn scope_bytes(root: &Path, entry: &str) -> u64 {
    let path = root.join(entry.trim_end_matches('/'));
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) if m.is_dir() => std::fs::read_dir(&path)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;

    const PLAN: &str = "# P\n\n## Phase 1\n\n\
        - [ ] T1 One\n  - est: 2h\n\
        - [ ] T2 Two\n  - est: 2h\n  - after: T1\n\
        - [ ] T3 Three\n  - est: 2h\n\
        - [ ] T4 Four\n  - est: 1h\n  - after: T3\n";

    fn lanes() -> Vec<LaneIn> {
        vec![
            LaneIn {
                session: "session-1".into(),
                tasks: vec!["T1".into(), "T2".into()],
                prompt: "brief 1".into(),
            },
            LaneIn {
                session: "session-2".into(),
                tasks: vec!["T3".into(), "T4".into()],
                prompt: "brief 2".into(),
            },
        ]
    }

    #[test]
    fn lanes_that_fit_stay_whole_with_their_briefs() {
        let plan = parse(PLAN.as_bytes());
        let u = units(&plan, &lanes(), UnitKind::Lane, None, Path::new("."));
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].session, "session-1");
        assert_eq!(u[0].prompt, "brief 1");
        assert!(u[0].after.is_empty() && u[1].after.is_empty());
    }

    #[test]
    fn a_lane_over_budget_is_cut_into_chained_parts() {
        let plan = parse(PLAN.as_bytes());
        let budget = Budget::Hours(3.0);
        let u = units(
            &plan,
            &lanes(),
            UnitKind::Lane,
            Some(&budget),
            Path::new("."),
        );
        let names: Vec<&str> = u.iter().map(|u| u.session.as_str()).collect();
        assert_eq!(names, ["session-1a", "session-1b", "session-2"]);
        assert_eq!(u[1].after, [0]);
        assert_eq!(u[1].tasks, ["T2"]);
        assert!(u[1].prompt.starts_with("brief 1"));
        assert!(u[1].prompt.contains("This session does only: T2."));
        assert!(u[1].prompt.contains("(T1)"));
        // T3 and T4 together are 3 h: one session.
        assert_eq!(u[2].tasks, ["T3", "T4"]);
    }

    #[test]
    fn task_units_wait_for_the_units_of_their_dependencies() {
        let plan = parse(PLAN.as_bytes());
        let u = units(&plan, &lanes(), UnitKind::Task, None, Path::new("."));
        let names: Vec<&str> = u.iter().map(|u| u.session.as_str()).collect();
        assert_eq!(names, ["task-T1", "task-T2", "task-T3", "task-T4"]);
        assert_eq!(u[1].after, [0]);
        assert_eq!(u[3].after, [2]);
        assert!(u[0].after.is_empty());
    }

    #[test]
    fn lanes_waiting_for_each_other_both_ways_do_not_deadlock() {
        let plan = parse(
            "# P\n\n## Phase 1\n\n- [ ] T1 a\n- [ ] T2 b\n  - after: T1\n\
             - [ ] T3 c\n- [ ] T4 d\n  - after: T3\n"
                .as_bytes(),
        );
        let crossed = vec![
            LaneIn {
                session: "session-1".into(),
                tasks: vec!["T1".into(), "T4".into()],
                prompt: String::new(),
            },
            LaneIn {
                session: "session-2".into(),
                tasks: vec!["T3".into(), "T2".into()],
                prompt: String::new(),
            },
        ];
        let u = units(&plan, &crossed, UnitKind::Lane, None, Path::new("."));
        assert!(
            !(u[0].after.contains(&1) && u[1].after.contains(&0)),
            "{u:?}"
        );
    }

    #[test]
    fn names_are_branch_safe() {
        assert_eq!(part_name("session-2", 0), "session-2a");
        assert_eq!(part_name("session-2", 26), "session-2.27");
        assert_eq!(task_unit_name("API.3 x"), "task-API-3-x");
    }
}
