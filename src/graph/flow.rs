//! The plan as work that flows: which task waits for which, once explicit dependencies,
//! `blocks`, sub-tasks and phase order are all taken into account, and what follows from
//! that alone: waves (earliest start), total work, the critical path, the speedup bound.
//!
//! Phase order is modelled with one gate node per phase instead of an edge from every task
//! of a phase to every task of the next, so a 100k-task plan stays linear in size.

use crate::plan::{Plan, Task};

use super::IdIndex;

/// Minutes a task takes when it gives no estimate: one unit (an hour).
pub const DEFAULT_MINUTES: u64 = 60;

/// A phase heading carrying `[P]` or `(P)` may start together with the phase before it.
pub fn phase_overlaps_previous(title: &str) -> bool {
    title.contains("[P]") || title.contains("(P)")
}

/// Dependencies over tasks and phase gates, in topological order.
#[derive(Debug)]
pub struct Flow {
    /// Number of tasks; nodes `0..tasks` are tasks, `tasks + k` is the end of phase `k`.
    pub tasks: usize,
    /// Node `v` waits for `preds[pred_at[v]..pred_at[v + 1]]`.
    pred_at: Vec<usize>,
    preds: Vec<u32>,
    /// Node `v` is waited for by `succs[succ_at[v]..succ_at[v + 1]]`: built once, since
    /// ordering, bottom levels and the scheduler all walk forwards.
    succ_at: Vec<usize>,
    succs: Vec<u32>,
    /// Nodes in an order where every node comes after what it waits for.
    pub order: Vec<u32>,
    /// Per node: minutes of work it stands for (0 for closed tasks, groups and gates).
    pub minutes: Vec<u64>,
    /// Per phase: whether it may start with the phase before it.
    pub overlaps_previous: Vec<bool>,
}

/// The plan's dependencies loop (through explicit dependencies or phase order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleError {
    /// Around the loop: each step waits for the next, the last for the first.
    pub path: Vec<CycleStep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleStep {
    Task(usize),
    PhaseEnd(usize),
}

/// Whether a task is real work a session does: open, and not a group of sub-tasks.
pub fn is_work(task: &Task, has_children: bool) -> bool {
    !task.status.is_closed() && !has_children
}

impl Flow {
    pub fn build(plan: &Plan, index: &IdIndex<'_>) -> Result<Flow, CycleError> {
        let n = plan.tasks.len();
        let phases = plan.phases.len();
        let nodes = n + phases;
        let mut has_children = vec![false; n];
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        for task in &plan.tasks {
            if let Some(parent) = task.parent {
                has_children[parent] = true;
                children[parent].push(task.index as u32);
            }
        }
        // `blocks` written on the blocker: collect them per waiting task.
        let mut blocked_by: Vec<Vec<u32>> = vec![Vec::new(); n];
        for task in &plan.tasks {
            for r in &task.blocks {
                if let Some(&waiting) = index.get(r.id.as_str())
                    && waiting != task.index
                {
                    blocked_by[waiting].push(task.index as u32);
                }
            }
        }
        let overlaps_previous: Vec<bool> = plan
            .phases
            .iter()
            .map(|p| p.index > 0 && phase_overlaps_previous(&p.title))
            .collect();
        // gate[k]: the phase end node that tasks of phase k wait for.
        let mut gate: Vec<Option<u32>> = vec![None; phases];
        for k in 1..phases {
            gate[k] = if overlaps_previous[k] {
                gate[k - 1]
            } else {
                Some((n + k - 1) as u32)
            };
        }

        let mut pred_at = Vec::with_capacity(nodes + 1);
        let mut preds: Vec<u32> = Vec::with_capacity(n * 3 + phases);
        pred_at.push(0);
        // The parser resolved each `after` as `index` would (the first task with the id).
        let own_deps = |task: &Task, out: &mut Vec<u32>| {
            out.extend(plan.dep_targets.of(task.index).flatten().map(|d| d as u32));
        };
        for task in &plan.tasks {
            let start = preds.len();
            own_deps(task, &mut preds);
            preds.extend_from_slice(&blocked_by[task.index]);
            // A sub-task waits for whatever its group waits for.
            let mut ancestor = task.parent;
            while let Some(p) = ancestor {
                own_deps(&plan.tasks[p], &mut preds);
                preds.extend_from_slice(&blocked_by[p]);
                ancestor = plan.tasks[p].parent;
            }
            // A group is done when its sub-tasks are.
            preds.extend_from_slice(&children[task.index]);
            if let Some(g) = gate.get(task.phase).copied().flatten() {
                preds.push(g);
            }
            let mine = &mut preds[start..];
            mine.sort_unstable();
            let mut kept = start;
            for i in start..preds.len() {
                let v = preds[i];
                if v as usize != task.index && (kept == start || preds[kept - 1] != v) {
                    preds[kept] = v;
                    kept += 1;
                }
            }
            preds.truncate(kept);
            pred_at.push(preds.len());
        }
        // A phase's end means it and every phase before it are done, so that a phase
        // overlapping its predecessor does not let the next phase skip ahead of both.
        for phase in &plan.phases {
            preds.extend(phase.tasks.iter().map(|&t| t as u32));
            if phase.index > 0 {
                preds.push((n + phase.index - 1) as u32);
            }
            pred_at.push(preds.len());
        }

        let minutes: Vec<u64> = (0..nodes)
            .map(|v| match plan.tasks.get(v) {
                Some(task) if is_work(task, has_children[v]) => task
                    .estimate_hours
                    .map_or(DEFAULT_MINUTES, |h| ((h * 60.0).round() as u64).max(1)),
                _ => 0,
            })
            .collect();

        let mut flow = Flow {
            tasks: n,
            pred_at,
            preds,
            succ_at: Vec::new(),
            succs: Vec::new(),
            order: Vec::new(),
            minutes,
            overlaps_previous,
        };
        flow.link_successors();
        flow.order = flow.topological_order()?;
        Ok(flow)
    }

    pub fn nodes(&self) -> usize {
        self.pred_at.len() - 1
    }

    pub fn preds(&self, v: usize) -> &[u32] {
        &self.preds[self.pred_at[v]..self.pred_at[v + 1]]
    }

    /// Whether node `v` is a task a session works on (open, not a group).
    pub fn is_work(&self, v: usize) -> bool {
        self.minutes[v] > 0
    }

    /// The nodes that wait for node `v`.
    pub fn succs(&self, v: usize) -> &[u32] {
        &self.succs[self.succ_at[v]..self.succ_at[v + 1]]
    }

    fn link_successors(&mut self) {
        let nodes = self.nodes();
        let mut count = vec![0usize; nodes + 1];
        for &p in &self.preds {
            count[p as usize + 1] += 1;
        }
        for v in 0..nodes {
            count[v + 1] += count[v];
        }
        let mut fill = count.clone();
        let mut succs = vec![0u32; self.preds.len()];
        for v in 0..nodes {
            for &p in self.preds(v) {
                succs[fill[p as usize]] = v as u32;
                fill[p as usize] += 1;
            }
        }
        self.succ_at = count;
        self.succs = succs;
    }

    fn topological_order(&self) -> Result<Vec<u32>, CycleError> {
        let nodes = self.nodes();
        let mut waiting: Vec<u32> = (0..nodes).map(|v| self.preds(v).len() as u32).collect();
        let mut order: Vec<u32> = (0..nodes as u32)
            .filter(|&v| waiting[v as usize] == 0)
            .collect();
        let mut next = 0;
        while next < order.len() {
            let v = order[next] as usize;
            next += 1;
            for &s in self.succs(v) {
                waiting[s as usize] -= 1;
                if waiting[s as usize] == 0 {
                    order.push(s);
                }
            }
        }
        if order.len() == nodes {
            return Ok(order);
        }
        // Walk back through nodes that never became free until one repeats: that is a loop.
        let mut seen = vec![usize::MAX; nodes];
        let mut path = Vec::new();
        let mut at = (0..nodes).find(|&v| waiting[v] > 0).unwrap_or(0);
        while seen[at] == usize::MAX {
            seen[at] = path.len();
            path.push(at);
            at = self
                .preds(at)
                .iter()
                .map(|&p| p as usize)
                .find(|&p| waiting[p] > 0)
                .unwrap_or(at);
        }
        // Each step of the loop waits for the next, and the last for the first.
        Err(CycleError {
            path: path[seen[at]..]
                .iter()
                .copied()
                .map(|v| {
                    if v < self.tasks {
                        CycleStep::Task(v)
                    } else {
                        CycleStep::PhaseEnd(v - self.tasks)
                    }
                })
                .collect(),
        })
    }

    /// Per node: its wave, 1-based (the length of the longest chain of work before it,
    /// plus one); 0 for nodes that are not work.
    pub fn waves(&self) -> Vec<u32> {
        // level[v]: waves of work up to and including v.
        let mut level = vec![0u32; self.nodes()];
        for &v in &self.order {
            let v = v as usize;
            let before = self
                .preds(v)
                .iter()
                .map(|&p| level[p as usize])
                .max()
                .unwrap_or(0);
            level[v] = before + u32::from(self.is_work(v));
        }
        for (v, l) in level.iter_mut().enumerate() {
            if !self.is_work(v) {
                *l = 0;
            }
        }
        level
    }

    /// Per node: the earliest minute it can finish with unlimited sessions.
    pub fn earliest_finish(&self) -> Vec<u64> {
        let mut finish = vec![0u64; self.nodes()];
        for &v in &self.order {
            let v = v as usize;
            let start = self
                .preds(v)
                .iter()
                .map(|&p| finish[p as usize])
                .max()
                .unwrap_or(0);
            finish[v] = start + self.minutes[v];
        }
        finish
    }

    /// Per node: the longest stretch of work from its start to the end of the plan (its own
    /// minutes included). The scheduler starts the task with the most of it first.
    pub fn bottom_levels(&self) -> Vec<u64> {
        let mut level = vec![0u64; self.nodes()];
        for &v in self.order.iter().rev() {
            let v = v as usize;
            let after = self
                .succs(v)
                .iter()
                .map(|&s| level[s as usize])
                .max()
                .unwrap_or(0);
            level[v] = after + self.minutes[v];
        }
        level
    }

    /// Total minutes of open work (T1).
    pub fn total_minutes(&self) -> u64 {
        self.minutes.iter().sum()
    }

    /// The critical path: tasks (work only) along the longest chain, first to last, and its
    /// length in minutes (T∞).
    pub fn critical_path(&self) -> (Vec<usize>, u64) {
        let finish = self.earliest_finish();
        let Some((mut at, &length)) = finish
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        else {
            return (Vec::new(), 0);
        };
        let mut path = Vec::new();
        loop {
            if self.is_work(at) {
                path.push(at);
            }
            let start = finish[at] - self.minutes[at];
            if start == 0 && self.is_work(at) {
                break;
            }
            // The earliest predecessor (in node order) that finishes exactly at our start.
            let Some(&p) = self
                .preds(at)
                .iter()
                .filter(|&&p| finish[p as usize] == start)
                .min()
            else {
                break;
            };
            at = p as usize;
        }
        path.reverse();
        (path, length)
    }

    /// Whether `to` waits, directly or through others, for `from`.
    pub fn reaches(&self, from: usize, to: usize) -> bool {
        let mut stack = vec![to];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(v) = stack.pop() {
            if v == from {
                return true;
            }
            for &p in self.preds(v) {
                if seen.insert(p) {
                    stack.push(p as usize);
                }
            }
        }
        false
    }
}

/// The upper bound on speedup with `sessions` sessions: T1 / max(T∞, T1 / N).
pub fn speedup_bound(total: u64, critical: u64, sessions: u32) -> f64 {
    if total == 0 {
        return 1.0;
    }
    let per_session = total as f64 / f64::from(sessions.max(1));
    total as f64 / (critical as f64).max(per_session)
}

/// The smallest N in 1..=max whose bound is within 10% of the best bound.
pub fn recommended_sessions(total: u64, critical: u64, max: u32) -> u32 {
    let best = speedup_bound(total, critical, max);
    (1..=max)
        .find(|&n| speedup_bound(total, critical, n) >= best * 0.9 - 1e-9)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::id_index;
    use crate::plan::parse;

    fn flow(src: &str) -> (Plan, Flow) {
        let plan = parse(src.as_bytes());
        let flow = Flow::build(&plan, &id_index(&plan)).expect("no cycle");
        (plan, flow)
    }

    #[test]
    fn waves_follow_dependencies_and_phases() {
        let (_, f) = flow(
            "## Phase 1\n- [ ] T1 a\n- [ ] T2 b\n  - after: T1\n- [ ] T3 c\n## Phase 2\n- [ ] T4 d\n- [ ] T5 e\n  - blocks: T4\n",
        );
        assert_eq!(&f.waves()[..5], [1, 2, 1, 4, 3]);
        assert_eq!(f.total_minutes(), 300);
        let (path, len) = f.critical_path();
        assert_eq!(len, 240);
        assert_eq!(path, [0, 1, 4, 3]);
    }

    #[test]
    fn closed_tasks_cost_nothing_and_groups_wait_for_children() {
        let (_, f) = flow(
            "- [x] 1. Group\n  - [x] 1.1 done\n  - [ ] 1.2 open\n    - est: 2h\n- [ ] 2. Next\n  - after: 1\n",
        );
        assert_eq!(f.minutes[..4], [0, 0, 120, 60]);
        assert_eq!(&f.waves()[..4], [0, 0, 1, 2]);
        assert_eq!(f.critical_path(), (vec![2, 3], 180));
    }

    #[test]
    fn overlapping_phase_starts_with_its_predecessor() {
        let (_, f) = flow(
            "## Phase 1\n- [ ] T1 a\n  - est: 3h\n## Phase 2 (P)\n- [ ] T2 b\n## Phase 3\n- [ ] T3 c\n",
        );
        assert_eq!(&f.waves()[..3], [1, 1, 2]);
        // Phase 3 waits for both earlier phases, the longer one included.
        assert_eq!(f.critical_path(), (vec![0, 2], 240));
    }

    #[test]
    fn dependency_on_a_later_phase_is_a_cycle() {
        let plan = parse(b"## Phase 1\n- [ ] T1 a\n  - after: T2\n## Phase 2\n- [ ] T2 b\n");
        let err = Flow::build(&plan, &id_index(&plan)).expect_err("cycle");
        assert_eq!(
            err.path,
            [
                CycleStep::Task(0),
                CycleStep::Task(1),
                CycleStep::PhaseEnd(0)
            ]
        );
    }

    #[test]
    fn bound_and_recommendation() {
        assert!((speedup_bound(600, 100, 8) - 6.0).abs() < 1e-9);
        assert!((speedup_bound(600, 100, 4) - 4.0).abs() < 1e-9);
        assert_eq!(recommended_sessions(600, 100, 16), 6);
        assert_eq!(recommended_sessions(600, 600, 16), 1);
        assert_eq!(recommended_sessions(0, 0, 16), 1);
    }
}
