//! Critical-path list scheduling: the schedule every other one must beat.
//!
//! Whenever a session is free, it starts the ready task with the longest stretch of work
//! still behind it (its bottom level; ties in plan order) that conflicts with nothing
//! running. Dependencies and phase order come from [`Flow`], conflicts from [`Scopes`]. A
//! session's run of tasks within one phase is a lane; when the session moves on to another
//! phase it starts a new lane, so no session's context outlives a phase.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Lane, Schedule, Slot};
use crate::graph::flow::Flow;
use crate::graph::scope::Scopes;

/// How many blocked tasks a free session looks past before it waits: bounds the work per
/// event when many ready tasks conflict with what is running.
const LOOKAHEAD: usize = 256;

/// Lays the open tasks of `flow` onto `sessions` sessions. `phase_of[t]` is task `t`'s phase.
pub fn list_schedule(flow: &Flow, scopes: &Scopes, phase_of: &[usize], sessions: u32) -> Schedule {
    let sessions = sessions.max(1);
    let nodes = flow.nodes();
    let priority = flow.bottom_levels();
    let mut waiting: Vec<u32> = (0..nodes).map(|v| flow.preds(v).len() as u32).collect();

    // Ready work, best first: (bottom level, then earliest in the plan).
    let mut ready: BinaryHeap<(u64, Reverse<u32>)> = BinaryHeap::new();
    // Zero-minute nodes (gates, closed tasks, groups) finish the moment they are free.
    let mut instant: Vec<u32> = Vec::new();
    let free_node =
        |v: u32, ready: &mut BinaryHeap<(u64, Reverse<u32>)>, instant: &mut Vec<u32>| {
            if flow.is_work(v as usize) {
                ready.push((priority[v as usize], Reverse(v)));
            } else {
                instant.push(v);
            }
        };
    for v in 0..nodes as u32 {
        if waiting[v as usize] == 0 {
            free_node(v, &mut ready, &mut instant);
        }
    }

    let mut busy = vec![0u32; scopes.patterns.len()];
    let mut exclusive_running = false;
    // Running tasks, earliest end first: (end, session, task).
    let mut running: BinaryHeap<Reverse<(u64, u32, u32)>> = BinaryHeap::new();
    let mut free_sessions: Vec<u32> = (0..sessions).rev().collect();
    let mut last_phase: Vec<Option<usize>> = vec![None; sessions as usize];
    let mut lanes: Vec<Lane> = Vec::new();
    // Per session: index into `lanes` of its current lane.
    let mut current_lane: Vec<Option<usize>> = vec![None; sessions as usize];
    let mut now = 0u64;
    let mut makespan = 0u64;
    let mut deferred: Vec<(u64, Reverse<u32>)> = Vec::new();

    loop {
        while let Some(v) = instant.pop() {
            release_successors(flow, v, &mut waiting, |s| {
                free_node(s, &mut ready, &mut instant);
            });
        }
        // Start what can start now.
        while !free_sessions.is_empty() && deferred.len() < LOOKAHEAD {
            let Some(entry) = ready.pop() else { break };
            let t = entry.1.0 as usize;
            if !can_start(t, scopes, &busy, exclusive_running, running.is_empty()) {
                deferred.push(entry);
                continue;
            }
            let phase = phase_of[t];
            // Prefer a session already working in this phase: its lane goes on.
            let pick = free_sessions
                .iter()
                .rposition(|&s| last_phase[s as usize] == Some(phase))
                .unwrap_or(free_sessions.len() - 1);
            let session = free_sessions.remove(pick);
            let end = now + flow.minutes[t];
            running.push(Reverse((end, session, t as u32)));
            hold(t, scopes, &mut busy, &mut exclusive_running, true);
            let lane = match current_lane[session as usize] {
                Some(l) if last_phase[session as usize] == Some(phase) => l,
                _ => {
                    lanes.push(Lane {
                        phase,
                        session: session + 1,
                        slots: Vec::new(),
                    });
                    lanes.len() - 1
                }
            };
            current_lane[session as usize] = Some(lane);
            last_phase[session as usize] = Some(phase);
            lanes[lane].slots.push(Slot {
                task: t,
                start: now,
                end,
            });
        }
        ready.extend(deferred.drain(..));
        // Advance to the next end; everything ending then finishes together.
        let Some(Reverse((end, _, _))) = running.peek().copied() else {
            break;
        };
        now = end;
        makespan = makespan.max(end);
        while let Some(&Reverse((end, session, t))) = running.peek() {
            if end != now {
                break;
            }
            running.pop();
            hold(t as usize, scopes, &mut busy, &mut exclusive_running, false);
            free_sessions.push(session);
            release_successors(flow, t, &mut waiting, |s| {
                free_node(s, &mut ready, &mut instant);
            });
        }
        // Lowest session number first, so output reads naturally.
        free_sessions.sort_unstable_by(|a, b| b.cmp(a));
    }
    lanes.sort_by_key(|l| (l.phase, l.session, l.slots.first().map_or(0, |s| s.start)));
    Schedule {
        sessions,
        lanes,
        makespan,
    }
}

fn release_successors(flow: &Flow, v: u32, waiting: &mut [u32], mut on_free: impl FnMut(u32)) {
    for &s in flow.succs(v as usize) {
        waiting[s as usize] -= 1;
        if waiting[s as usize] == 0 {
            on_free(s);
        }
    }
}

pub(super) fn can_start(
    t: usize,
    scopes: &Scopes,
    busy: &[u32],
    exclusive_running: bool,
    nothing_running: bool,
) -> bool {
    if scopes.exclusive[t] {
        return nothing_running;
    }
    if exclusive_running {
        return false;
    }
    scopes.of_task[t]
        .iter()
        .all(|&p| scopes.overlapping(p).iter().all(|&q| busy[q as usize] == 0))
}

fn hold(t: usize, scopes: &Scopes, busy: &mut [u32], exclusive_running: &mut bool, on: bool) {
    if scopes.exclusive[t] {
        *exclusive_running = on;
        return;
    }
    for &p in &scopes.of_task[t] {
        if on {
            busy[p as usize] += 1;
        } else {
            busy[p as usize] -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::id_index;
    use crate::plan::{Plan, parse};

    fn lanes_of(src: &str, sessions: u32) -> (Plan, Schedule) {
        let plan = parse(src.as_bytes());
        let flow = Flow::build(&plan, &id_index(&plan)).expect("no cycle");
        let scopes = Scopes::build(&plan, false);
        let phase_of: Vec<usize> = plan.tasks.iter().map(|t| t.phase).collect();
        let s = list_schedule(&flow, &scopes, &phase_of, sessions);
        (plan, s)
    }

    fn ids(plan: &Plan, lane: &Lane) -> Vec<String> {
        lane.slots
            .iter()
            .map(|s| plan.tasks[s.task].display_id())
            .collect()
    }

    #[test]
    fn independent_tasks_spread_over_sessions() {
        let (plan, s) = lanes_of(
            "- [ ] T1 a\n  - files: a/**\n- [ ] T2 b\n  - files: b/**\n- [ ] T3 c\n  - files: c/**\n  - est: 2h\n",
            2,
        );
        assert_eq!(s.makespan, 120);
        assert_eq!(s.lanes.len(), 2);
        assert_eq!(ids(&plan, &s.lanes[0]), ["T3"]);
        assert_eq!(ids(&plan, &s.lanes[1]), ["T1", "T2"]);
    }

    #[test]
    fn conflicting_tasks_never_overlap_in_time() {
        let (plan, s) = lanes_of(
            "- [ ] T1 a\n  - files: Cargo.toml, a/**\n- [ ] T2 b\n  - files: Cargo.toml\n- [ ] T3 c\n  - files: c/**\n",
            3,
        );
        assert_eq!(s.makespan, 120);
        let slot = |id: &str| {
            let t = plan.task(id).expect("task").index;
            s.lanes
                .iter()
                .flat_map(|l| &l.slots)
                .find(|x| x.task == t)
                .copied()
                .expect("scheduled")
        };
        let (a, b) = (slot("T1"), slot("T2"));
        assert!(a.end <= b.start || b.end <= a.start);
    }

    #[test]
    fn unscoped_task_runs_alone_and_lanes_stop_at_phases() {
        let (plan, s) = lanes_of(
            "## Phase 1\n- [ ] T1 a\n  - files: a/**\n- [ ] T2 b\n  - files: b/**\n## Phase 2\n- [ ] T3 c\n- [ ] T4 d\n  - files: d/**\n",
            2,
        );
        // Phase 1 in parallel (60), then T3 alone and T4 (60 + 60).
        assert_eq!(s.makespan, 180);
        let phases: Vec<usize> = s.lanes.iter().map(|l| l.phase).collect();
        assert_eq!(phases, [0, 0, 1]);
        assert!(s.lanes.iter().all(|l| {
            l.slots
                .iter()
                .all(|slot| plan.tasks[slot.task].phase == l.phase)
        }));
    }
}
