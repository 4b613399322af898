//! The serial schedule generator: tasks taken one at a time in priority order (each after
//! what it waits for), each placed at the earliest minute where its inputs are done, a
//! session is free for its whole length and nothing whose scope overlaps it runs. Unlike
//! the list scheduler it may fill a gap left earlier, so every priority order gives an
//! *active* schedule, and some priority order gives an optimal one: the search only has to
//! find the order.
//!
//! It runs on the graph as written or reversed (each task waits for what waits for it):
//! a reversed schedule read backwards in time is a forward one, which is what the
//! forward-backward passes of [`super::search`] use.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Times;
use crate::graph::flow::Flow;
use crate::graph::scope::Scopes;

/// Reusable buffers for one graph: a pass allocates nothing once they have grown.
#[derive(Debug)]
pub(super) struct Generator<'a> {
    flow: &'a Flow,
    scopes: &'a Scopes,
    sessions: u32,
    waiting: Vec<u32>,
    ready_at: Vec<u64>,
    heap: BinaryHeap<(i64, Reverse<u32>)>,
    /// Sessions in use as a step function: `(from, busy)` breakpoints, sorted by minute.
    profile: Vec<(u64, u32)>,
    /// Per scope pattern: the intervals of placed tasks holding it.
    held: Vec<Vec<(u64, u64)>>,
    /// Intervals of placed tasks that run alone.
    alone: Vec<(u64, u64)>,
    blocked: Vec<(u64, u64)>,
    /// Patterns some task holds (to clear `held` cheaply between passes).
    touched: Vec<u32>,
}

impl<'a> Generator<'a> {
    pub fn new(flow: &'a Flow, scopes: &'a Scopes, sessions: u32) -> Generator<'a> {
        Generator {
            flow,
            scopes,
            sessions,
            waiting: Vec::new(),
            ready_at: Vec::new(),
            heap: BinaryHeap::new(),
            profile: Vec::new(),
            held: vec![Vec::new(); scopes.patterns.len()],
            alone: Vec::new(),
            blocked: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// Schedules every work node, highest `priority` first among those whose inputs are
    /// placed (ties: lower node first), on the graph or (`reversed`) its reverse. Writes
    /// start times into `out` (minutes in the direction scheduled).
    pub fn run(&mut self, priority: &[i64], reversed: bool, out: &mut Times) {
        let flow = self.flow;
        let nodes = flow.nodes();
        let inputs = |v: usize| {
            if reversed {
                flow.succs(v)
            } else {
                flow.preds(v)
            }
        };
        self.waiting.clear();
        self.waiting
            .extend((0..nodes).map(|v| inputs(v).len() as u32));
        self.ready_at.clear();
        self.ready_at.resize(nodes, 0);
        self.profile.clear();
        self.profile.push((0, 0));
        for p in self.touched.drain(..) {
            self.held[p as usize].clear();
        }
        self.alone.clear();
        out.start.clear();
        out.start.resize(nodes, 0);
        out.makespan = 0;
        self.heap.clear();
        let mut instant: Vec<u32> = Vec::new();
        for v in 0..nodes {
            if self.waiting[v] == 0 {
                self.free(v as u32, priority, &mut instant);
            }
        }
        loop {
            let v = if let Some(v) = instant.pop() {
                v as usize
            } else if let Some((_, Reverse(v))) = self.heap.pop() {
                v as usize
            } else {
                break;
            };
            let finish = if flow.is_work(v) {
                let start = self.place(v, self.ready_at[v]);
                out.start[v] = start;
                start + flow.minutes[v]
            } else {
                self.ready_at[v]
            };
            out.makespan = out.makespan.max(finish);
            let outputs = if reversed {
                flow.preds(v)
            } else {
                flow.succs(v)
            };
            for &s in outputs {
                let s = s as usize;
                self.ready_at[s] = self.ready_at[s].max(finish);
                self.waiting[s] -= 1;
                if self.waiting[s] == 0 {
                    self.free(s as u32, priority, &mut instant);
                }
            }
        }
    }

    fn free(&mut self, v: u32, priority: &[i64], instant: &mut Vec<u32>) {
        if self.flow.is_work(v as usize) {
            self.heap.push((priority[v as usize], Reverse(v)));
        } else {
            instant.push(v);
        }
    }

    /// Places task `t` at its earliest feasible minute from `ready` and books it.
    fn place(&mut self, t: usize, ready: u64) -> u64 {
        let length = self.flow.minutes[t];
        let exclusive = self.scopes.exclusive[t];
        // A task that runs alone needs every session free; others one, and no conflict.
        let cap = if exclusive { 1 } else { self.sessions };
        self.blocked.clear();
        if !exclusive {
            self.blocked.extend_from_slice(&self.alone);
            for &p in &self.scopes.of_task[t] {
                for &q in self.scopes.overlapping(p) {
                    self.blocked.extend_from_slice(&self.held[q as usize]);
                }
            }
            self.blocked.sort_unstable();
        }
        let mut start = ready;
        loop {
            let s = earliest_in_profile(&self.profile, start, length, cap);
            let s = clear_of(&self.blocked, s, length);
            if s == start {
                break;
            }
            start = s;
        }
        let end = start + length;
        book(&mut self.profile, start, end);
        if exclusive {
            self.alone.push((start, end));
        } else {
            for &p in &self.scopes.of_task[t] {
                if self.held[p as usize].is_empty() {
                    self.touched.push(p);
                }
                self.held[p as usize].push((start, end));
            }
        }
        start
    }
}

/// The earliest minute from `from` at which fewer than `cap` sessions are busy throughout
/// `length` minutes.
fn earliest_in_profile(profile: &[(u64, u32)], from: u64, length: u64, cap: u32) -> u64 {
    let mut start = from;
    let mut i = profile.partition_point(|&(at, _)| at <= start) - 1;
    loop {
        let mut j = i;
        let mut ok = true;
        while j < profile.len() && profile[j].0 < start + length {
            if profile[j].1 >= cap {
                // The last breakpoint is always idle, so a busy one has a successor.
                start = profile.get(j + 1).map_or(start, |&(at, _)| at);
                i = j + 1;
                ok = false;
                break;
            }
            j += 1;
        }
        if ok {
            return start;
        }
    }
}

/// The earliest minute from `from` at which `length` minutes overlap none of `blocked`
/// (sorted by start).
fn clear_of(blocked: &[(u64, u64)], from: u64, length: u64) -> u64 {
    let mut start = from;
    for &(a, b) in blocked {
        if a >= start + length {
            break;
        }
        if b > start {
            start = b;
        }
    }
    start
}

/// One more session busy over `start..end`.
fn book(profile: &mut Vec<(u64, u32)>, start: u64, end: u64) {
    let split = |profile: &mut Vec<(u64, u32)>, at: u64| -> usize {
        let i = profile.partition_point(|&(t, _)| t <= at);
        if profile[i - 1].0 == at {
            i - 1
        } else {
            let busy = profile[i - 1].1;
            profile.insert(i, (at, busy));
            i
        }
    };
    let a = split(profile, start);
    let b = split(profile, end);
    for entry in &mut profile[a..b] {
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_finds_gaps_and_books_them() {
        let mut profile = vec![(0, 0)];
        book(&mut profile, 0, 10);
        book(&mut profile, 5, 20);
        assert_eq!(profile, [(0, 1), (5, 2), (10, 1), (20, 0)]);
        assert_eq!(earliest_in_profile(&profile, 0, 3, 2), 0);
        assert_eq!(earliest_in_profile(&profile, 3, 3, 2), 10);
        assert_eq!(earliest_in_profile(&profile, 0, 3, 1), 20);
        assert_eq!(clear_of(&[(2, 4), (6, 9)], 0, 2), 0);
        assert_eq!(clear_of(&[(2, 4), (6, 9)], 1, 2), 4);
        assert_eq!(clear_of(&[(2, 4), (5, 9)], 1, 2), 9);
    }
}
