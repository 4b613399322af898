//! Lanes: the plan's open work laid out on N sessions, as short as the search can make it.
//!
//! [`plan`] starts from the critical-path list schedule ([`list`]) and improves on it within
//! an iteration budget ([`search`]: forward-backward passes of a serial schedule generator,
//! [`serial`], from seeded randomized priorities); small graphs get an exact branch and bound
//! ([`exact`]). [`bounds`] gives the lower bound that says when to stop and whether the
//! result is proven optimal. Every schedule keeps the two rules of the list scheduler: tasks
//! whose scopes overlap never run at once, and phase order holds (a lane never crosses a
//! phase). The result is a pure function of the plan, the sessions and the effort: no clock,
//! no entropy.

pub mod bounds;
mod exact;
mod list;
mod search;
mod serial;
#[cfg(test)]
mod stg_tests;

pub use list::list_schedule;

use super::flow::Flow;
use super::scope::Scopes;

/// One task placed on a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub task: usize,
    /// Minutes from the start of the plan's remaining work.
    pub start: u64,
    pub end: u64,
}

/// The tasks one session does in one phase, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    pub phase: usize,
    /// 1-based session number within the schedule.
    pub session: u32,
    pub slots: Vec<Slot>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub sessions: u32,
    /// Ordered by phase, then session.
    pub lanes: Vec<Lane>,
    /// Minutes until the last task ends.
    pub makespan: u64,
}

/// The default effort: a search budget of a few milliseconds on a 100-task plan.
pub const DEFAULT_EFFORT: u32 = 1;

/// A schedule with what is known about how good it is.
#[derive(Debug, Clone)]
pub struct Planned {
    pub schedule: Schedule,
    /// No schedule of these tasks on these sessions ends sooner (minutes; [`bounds`]).
    pub lower_bound: u64,
    /// The makespan is optimal: it meets the lower bound, or the exact search closed the gap.
    pub proven_optimal: bool,
    /// The critical-path list schedule's makespan, which `schedule` never exceeds.
    pub list_makespan: u64,
}

/// Lays the open tasks of `flow` onto `sessions` sessions as well as `effort` allows
/// (1 = the default budget; the budget grows linearly with it). `phase_of[t]` is task `t`'s
/// phase.
pub fn plan(
    flow: &Flow,
    scopes: &Scopes,
    phase_of: &[usize],
    sessions: u32,
    effort: u32,
) -> Planned {
    let sessions = sessions.max(1);
    let list = list_schedule(flow, scopes, phase_of, sessions);
    let list_makespan = list.makespan;
    let simple = bounds::with_exclusive(flow, sessions, &scopes.exclusive);
    if list_makespan <= simple {
        return Planned {
            schedule: list,
            lower_bound: simple,
            proven_optimal: true,
            list_makespan,
        };
    }
    let mut budget = search::Budget::new(effort);
    let found = search::improve(flow, scopes, sessions, list_makespan, simple, &mut budget);
    let mut upper = found.as_ref().map_or(list_makespan, |t| t.makespan);
    let mut best = found;
    let mut lower = simple;
    if upper > lower {
        lower = bounds::energetic(flow, sessions, &scopes.exclusive, lower, upper, effort);
    }
    let mut proven = upper <= lower;
    if !proven && let Some(result) = exact::solve(flow, scopes, sessions, lower, upper, effort) {
        if let Some(times) = result.better {
            upper = times.makespan;
            best = Some(times);
        }
        lower = upper;
        proven = true;
    }
    let schedule = match best {
        Some(times) if times.makespan < list_makespan => {
            lanes_from_times(flow, phase_of, sessions, &times)
        }
        _ => list,
    };
    Planned {
        lower_bound: lower.min(schedule.makespan),
        proven_optimal: proven,
        schedule,
        list_makespan,
    }
}

/// A schedule as start times: `start[v]` for every work node `v` (others unused).
#[derive(Debug, Clone, Default)]
pub(super) struct Times {
    pub start: Vec<u64>,
    pub makespan: u64,
}

/// Deals the tasks of `times` out to sessions: in order of start, each goes to the
/// lowest-numbered free session that last worked in its phase, else the lowest-numbered
/// free one. At most `sessions` tasks ever run at once, so one is always free.
fn lanes_from_times(flow: &Flow, phase_of: &[usize], sessions: u32, times: &Times) -> Schedule {
    let mut order: Vec<usize> = (0..flow.tasks).filter(|&t| flow.is_work(t)).collect();
    order.sort_by_key(|&t| (times.start[t], t));
    let n = sessions as usize;
    let mut free_at = vec![0u64; n];
    let mut last_phase: Vec<Option<usize>> = vec![None; n];
    let mut current: Vec<Option<usize>> = vec![None; n];
    let mut lanes: Vec<Lane> = Vec::new();
    for t in order {
        let (start, phase) = (times.start[t], phase_of[t]);
        let free = |s: &usize| free_at[*s] <= start;
        let session = (0..n)
            .filter(free)
            .find(|&s| last_phase[s] == Some(phase))
            .or_else(|| (0..n).find(free))
            // Unreachable for a valid schedule; never panic on it.
            .unwrap_or_else(|| (0..n).min_by_key(|&s| free_at[s]).unwrap_or(0));
        let end = start + flow.minutes[t];
        free_at[session] = end;
        let lane = match current[session] {
            Some(l) if last_phase[session] == Some(phase) => l,
            _ => {
                lanes.push(Lane {
                    phase,
                    session: session as u32 + 1,
                    slots: Vec::new(),
                });
                lanes.len() - 1
            }
        };
        current[session] = Some(lane);
        last_phase[session] = Some(phase);
        lanes[lane].slots.push(Slot {
            task: t,
            start,
            end,
        });
    }
    lanes.sort_by_key(|l| (l.phase, l.session, l.slots.first().map_or(0, |s| s.start)));
    Schedule {
        sessions,
        lanes,
        makespan: times.makespan,
    }
}
