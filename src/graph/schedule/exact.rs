//! Exact branch and bound for small graphs: proves a makespan optimal, or finds a better one.
//!
//! Every active schedule comes out of the serial generator for some order of the tasks (each
//! placed at its earliest feasible minute given those placed before it), and some active
//! schedule is optimal. The search walks those orders depth first: at each step any task
//! whose inputs are placed may come next. A branch is cut when its bound reaches the best
//! makespan known: the latest of, over the tasks not yet placed, the earliest they could
//! start (from what is placed, through the chains between) plus their bottom level, and of
//! the placed ends. A partial schedule already expanded (the same tasks at the same starts,
//! reached through another order) is not expanded again.
//!
//! It runs only on graphs of at most [`MAX_TASKS`] tasks and gives up after a node budget
//! that grows with the effort; giving up proves nothing and changes nothing.

use rustc_hash::FxHashMap;

use super::Times;
use crate::graph::flow::Flow;
use crate::graph::scope::Scopes;

/// The largest graph (in work tasks) the exact search tries.
pub(super) const MAX_TASKS: usize = 24;
/// Search nodes per step of effort.
const NODES_PER_EFFORT: u64 = 40_000;

/// A search that ran to the end: the optimum is proven; `better` holds a schedule under the
/// upper bound given, when there is one.
#[derive(Debug)]
pub(super) struct Solved {
    pub better: Option<Times>,
}

/// Searches for a schedule shorter than `upper`; None when the graph is too large or the
/// budget ran out.
pub(super) fn solve(
    flow: &Flow,
    scopes: &Scopes,
    sessions: u32,
    lower: u64,
    upper: u64,
    effort: u32,
) -> Option<Solved> {
    // In dependency order, so a task's inputs always have lower numbers.
    let work: Vec<usize> = flow
        .order
        .iter()
        .map(|&v| v as usize)
        .filter(|&v| flow.is_work(v))
        .collect();
    if work.len() > MAX_TASKS || work.is_empty() {
        return None;
    }
    // Work-to-work precedence: the work nodes each work node waits for, through gates.
    let nodes = flow.nodes();
    let mut before: Vec<u32> = vec![0; nodes];
    let index_of: FxHashMap<usize, usize> = work.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    for &v in &flow.order {
        let v = v as usize;
        let mut mask = 0u32;
        for &p in flow.preds(v) {
            let p = p as usize;
            mask |= before[p];
            if let Some(&i) = index_of.get(&p) {
                mask |= 1 << i;
            }
        }
        before[v] = mask;
    }
    let k = work.len();
    let levels = flow.bottom_levels();
    let mut search = Search {
        k,
        sessions,
        minutes: work.iter().map(|&v| flow.minutes[v]).collect(),
        level: work.iter().map(|&v| levels[v]).collect(),
        direct: work.iter().map(|&v| before[v]).collect(),
        conflict: (0..k)
            .map(|i| {
                (0..k)
                    .filter(|&j| j != i && scopes.conflict(work[i], work[j]).is_some())
                    .fold(0u32, |m, j| m | 1 << j)
            })
            .collect(),
        start: vec![0; k],
        placed: 0,
        best: upper,
        best_start: None,
        lower,
        nodes_left: NODES_PER_EFFORT.saturating_mul(u64::from(effort.max(1))),
        seen: Default::default(),
    };
    if !search.dfs() {
        return None;
    }
    let better = search.best_start.map(|starts| {
        let mut start = vec![0u64; nodes];
        for (i, &v) in work.iter().enumerate() {
            start[v] = starts[i];
        }
        Times {
            start,
            makespan: search.best,
        }
    });
    Some(Solved { better })
}

#[derive(Debug)]
struct Search {
    k: usize,
    sessions: u32,
    minutes: Vec<u64>,
    level: Vec<u64>,
    /// Per task: the tasks it waits for, directly or not (bit masks).
    direct: Vec<u32>,
    /// Per task: the tasks it may not run beside.
    conflict: Vec<u32>,
    start: Vec<u64>,
    placed: u32,
    best: u64,
    best_start: Option<Vec<u64>>,
    lower: u64,
    nodes_left: u64,
    /// Partial schedules already expanded: placed set and their starts.
    seen: rustc_hash::FxHashSet<(u32, Vec<u64>)>,
}

impl Search {
    /// False when the budget ran out (nothing proven).
    fn dfs(&mut self) -> bool {
        if self.best <= self.lower {
            return true;
        }
        if self.nodes_left == 0 {
            return false;
        }
        self.nodes_left -= 1;
        let full = if self.k == 32 {
            u32::MAX
        } else {
            (1u32 << self.k) - 1
        };
        if self.placed == full {
            let makespan = (0..self.k)
                .map(|i| self.start[i] + self.minutes[i])
                .max()
                .unwrap_or(0);
            if makespan < self.best {
                self.best = makespan;
                self.best_start = Some(self.start.clone());
            }
            return true;
        }
        if self.bound() >= self.best || self.dominated() {
            return true;
        }
        for i in 0..self.k {
            let bit = 1u32 << i;
            if self.placed & bit != 0 || self.direct[i] & !self.placed != 0 {
                continue;
            }
            self.start[i] = self.earliest(i);
            self.placed |= bit;
            let done = self.dfs();
            self.placed &= !bit;
            if !done {
                return false;
            }
            if self.best <= self.lower {
                return true;
            }
        }
        true
    }

    /// Whether this partial schedule was expanded before: the same completions follow.
    fn dominated(&mut self) -> bool {
        let mine: Vec<u64> = (0..self.k)
            .filter(|&i| self.placed & (1 << i) != 0)
            .map(|i| self.start[i])
            .collect();
        !self.seen.insert((self.placed, mine))
    }

    /// The latest of placed ends and, per open task, earliest start plus bottom level.
    fn bound(&self) -> u64 {
        let mut head = vec![0u64; self.k];
        let mut bound = 0;
        // Tasks are numbered in dependency order.
        for i in 0..self.k {
            if self.placed & (1 << i) != 0 {
                bound = bound.max(self.start[i] + self.minutes[i]);
                head[i] = self.start[i];
                continue;
            }
            let h = (0..i)
                .filter(|&j| self.direct[i] & (1 << j) != 0)
                .map(|j| head[j] + self.minutes[j])
                .max()
                .unwrap_or(0);
            head[i] = h;
            bound = bound.max(h + self.level[i]);
        }
        bound
    }

    /// Task `i`'s earliest start after everything it waits for, with a session free and no
    /// conflicting task running, given the tasks placed.
    fn earliest(&self, i: usize) -> u64 {
        let mut t = (0..self.k)
            .filter(|&j| self.direct[i] & (1 << j) != 0)
            .map(|j| self.start[j] + self.minutes[j])
            .max()
            .unwrap_or(0);
        let length = self.minutes[i];
        'retry: loop {
            // Conflicts.
            for j in 0..self.k {
                if self.placed & (1 << j) == 0 || self.conflict[i] & (1 << j) == 0 {
                    continue;
                }
                let (a, b) = (self.start[j], self.start[j] + self.minutes[j]);
                if a < t + length && t < b {
                    t = b;
                    continue 'retry;
                }
            }
            // Sessions: at every start inside the window, count what runs.
            let mut moments = vec![t];
            moments.extend(
                (0..self.k)
                    .filter(|&j| self.placed & (1 << j) != 0)
                    .map(|j| self.start[j])
                    .filter(|&a| a > t && a < t + length),
            );
            for m in moments {
                let running: Vec<u64> = (0..self.k)
                    .filter(|&j| self.placed & (1 << j) != 0)
                    .filter(|&j| self.start[j] <= m && m < self.start[j] + self.minutes[j])
                    .map(|j| self.start[j] + self.minutes[j])
                    .collect();
                if running.len() as u32 >= self.sessions {
                    // Every start up to the first of these ends still covers `m`.
                    t = running.into_iter().min().unwrap_or(t + 1);
                    continue 'retry;
                }
            }
            return t;
        }
    }
}
