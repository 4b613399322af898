//! Improvement search: an iterated local search of forward-backward passes.
//!
//! One *pass* runs the serial generator ([`super::serial`]) once. A forward-backward
//! improvement takes a schedule, schedules the reversed graph with the tasks that end latest
//! first, then the graph again with the tasks that start earliest (in that backward
//! schedule) first, and repeats while the makespan shrinks: each pass squeezes out idle
//! time the previous one left. The first round begins from the critical-path priorities.
//! Two restarts in three then perturb the elite schedule (the shortest seen, or the latest
//! of that length: the search walks plateaus): its start times, jittered by a seeded
//! xorshift generator, so that tasks close in time swap order. The third begins from bottom
//! levels scaled by random factors, so the search does not stay in one valley.
//!
//! The budget is counted in work, not time, so results do not depend on the machine: a pass
//! over a graph of `n` nodes costs `n · (1 + n / 64)` units (its placements scan gaps that
//! grow with the graph) and the budget is [`UNITS_PER_EFFORT`] units per effort step. A
//! 100-task plan gets about a thousand passes; a 10,000-task plan none beyond the list
//! schedule.

use super::Times;
use super::serial::Generator;
use crate::graph::flow::Flow;
use crate::graph::scope::Scopes;

/// Work units per step of effort (see the module notes).
pub(super) const UNITS_PER_EFFORT: u64 = 240_000;
/// The fixed seed of the perturbations.
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
/// Forward-backward rounds without improvement before a restart.
const PATIENCE: u32 = 2;

/// What is left to spend.
#[derive(Debug)]
pub(super) struct Budget {
    pub units: u64,
}

impl Budget {
    pub fn new(effort: u32) -> Budget {
        Budget {
            units: UNITS_PER_EFFORT.saturating_mul(u64::from(effort.max(1))),
        }
    }

    /// Takes the cost of one pass over `nodes` nodes; false when it cannot be paid.
    pub fn spend(&mut self, nodes: usize) -> bool {
        let n = nodes as u64;
        let cost = n.saturating_mul(1 + n / 64);
        if cost > self.units {
            return false;
        }
        self.units -= cost;
        true
    }
}

/// xorshift64*: the search's only source of variation.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The best schedule found with a makespan below `to_beat`, stopping early at `bound`;
/// None when none was found in the budget.
pub(super) fn improve(
    flow: &Flow,
    scopes: &Scopes,
    sessions: u32,
    to_beat: u64,
    bound: u64,
    budget: &mut Budget,
) -> Option<Times> {
    let nodes = flow.nodes();
    let levels = flow.bottom_levels();
    let mut generator = Generator::new(flow, scopes, sessions);
    let mut best: Option<Times> = None;
    let mut best_makespan = to_beat;
    let mut rng = Rng(SEED ^ nodes as u64);
    let mut priority: Vec<i64> = levels.iter().map(|&l| l as i64).collect();
    let mut forward = Times::default();
    let mut backward = Times::default();
    // The schedule the perturbations start from: the shortest seen, moved along to any
    // other of the same length (a plateau move).
    let mut elite: Option<Times> = None;
    let work = (0..nodes).filter(|&v| flow.is_work(v)).count().max(1) as u64;
    let mean = (flow.total_minutes() / work).max(1);
    let mut restart = 0u32;
    while best_makespan > bound && budget.spend(nodes) {
        generator.run(&priority, false, &mut forward);
        let mut current = forward.makespan;
        keep(&forward, &mut best, &mut best_makespan);
        settle(&forward, &mut elite);
        let mut idle = 0;
        while idle < PATIENCE && best_makespan > bound {
            // Backward: latest end first.
            for (v, key) in priority.iter_mut().enumerate() {
                *key = (forward.start[v] + flow.minutes[v]) as i64;
            }
            if !budget.spend(nodes) {
                break;
            }
            generator.run(&priority, true, &mut backward);
            // Read backwards: a forward schedule of the same length.
            let mirrored = mirror(flow, &backward);
            keep(&mirrored, &mut best, &mut best_makespan);
            settle(&mirrored, &mut elite);
            // Forward again: earliest start (in the mirrored schedule) first.
            for (key, &start) in priority.iter_mut().zip(&mirrored.start) {
                *key = -(start as i64);
            }
            if !budget.spend(nodes) {
                break;
            }
            generator.run(&priority, false, &mut forward);
            keep(&forward, &mut best, &mut best_makespan);
            settle(&forward, &mut elite);
            let round = forward.makespan.min(mirrored.makespan);
            if round < current {
                current = round;
                idle = 0;
            } else {
                idle += 1;
            }
        }
        restart += 1;
        match elite.as_ref() {
            // Two restarts in three perturb the elite schedule: its start times, each
            // jittered by up to two mean task lengths, so nearby tasks swap order.
            Some(e) if restart % 3 != 1 => {
                let reach = mean * 8 * u64::from(1 + restart % 4);
                for (key, &start) in priority.iter_mut().zip(&e.start) {
                    let noise = rng.next() % (reach + 1);
                    *key = -((start * 16 + noise) as i64);
                }
            }
            // Otherwise bottom levels, each scaled by a random factor in [1, 1.5) (the
            // first restart also breaks ties at random).
            _ => {
                let spread = if restart == 1 { 64 } else { 512 };
                for (key, &level) in priority.iter_mut().zip(&levels) {
                    let noise = (rng.next() % spread) as i64;
                    *key = level as i64 * (1024 + noise);
                }
            }
        }
    }
    best
}

/// Moves the elite to `candidate` when it is no longer.
fn settle(candidate: &Times, elite: &mut Option<Times>) {
    match elite {
        Some(e) if candidate.makespan > e.makespan => {}
        Some(e) => {
            e.start.clone_from(&candidate.start);
            e.makespan = candidate.makespan;
        }
        None => *elite = Some(candidate.clone()),
    }
}

fn keep(candidate: &Times, best: &mut Option<Times>, best_makespan: &mut u64) {
    if candidate.makespan < *best_makespan {
        *best_makespan = candidate.makespan;
        *best = Some(candidate.clone());
    }
}

/// A schedule of the reversed graph, read backwards in time.
fn mirror(flow: &Flow, backward: &Times) -> Times {
    let m = backward.makespan;
    let start = (0..flow.nodes())
        .map(|v| {
            if flow.is_work(v) {
                m - (backward.start[v] + flow.minutes[v])
            } else {
                0
            }
        })
        .collect();
    Times { start, makespan: m }
}
