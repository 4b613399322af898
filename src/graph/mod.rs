//! The dependency graph over a plan's tasks: resolving ids, finding cycles, and deciding
//! which tasks are ready to start. Pure functions of the model; no I/O.

pub mod export;
pub mod flow;
#[cfg(test)]
mod proptests;
pub mod ready_index;
pub mod schedule;
pub mod scope;

use std::collections::{HashMap, HashSet};

use crate::plan::{Plan, Status};

/// Ids to task indices: the first task carrying each id.
pub type IdIndex<'p> = rustc_hash::FxHashMap<&'p str, usize>;

/// Builds the id index of a plan.
pub fn id_index(plan: &Plan) -> IdIndex<'_> {
    let mut index = IdIndex::with_capacity_and_hasher(plan.tasks.len(), Default::default());
    for task in &plan.tasks {
        if let Some(id) = task.id.as_deref() {
            index.entry(id).or_insert(task.index);
        }
    }
    index
}

/// Tasks as nodes (indices into `plan.tasks`) and their resolved dependencies, stored flat
/// (one list for the whole plan) so a large plan costs two allocations, not one per task.
#[derive(Debug)]
pub struct Dag {
    /// Task `t`'s dependencies are `edges[offsets[t]..offsets[t + 1]]`.
    offsets: Vec<usize>,
    edges: Vec<usize>,
}

impl Dag {
    /// The graph of the dependencies the parser resolved ([`Plan::dep_targets`]: the first
    /// task with each id, as [`id_index`] finds it).
    pub fn build(plan: &Plan) -> Dag {
        let mut offsets = Vec::with_capacity(plan.tasks.len() + 1);
        let mut edges = Vec::with_capacity(plan.tasks.len() * 2);
        offsets.push(0);
        for task in &plan.tasks {
            let start = edges.len();
            edges.extend(plan.dep_targets.of(task.index).flatten());
            Dag::close_node(&mut edges, start);
            offsets.push(edges.len());
        }
        Dag { offsets, edges }
    }

    /// Sorts and dedups `edges[start..]`, the resolved dependencies of the node being added
    /// by [`Dag::from_parts`]'s caller.
    pub(crate) fn close_node(edges: &mut Vec<usize>, start: usize) {
        edges[start..].sort_unstable();
        let mut kept = start;
        for i in start..edges.len() {
            if kept == start || edges[kept - 1] != edges[i] {
                edges[kept] = edges[i];
                kept += 1;
            }
        }
        edges.truncate(kept);
    }

    /// A graph from flat lists built as [`Dag::build`] builds them: task `t`'s
    /// dependencies are `edges[offsets[t]..offsets[t + 1]]`, each closed by
    /// [`Dag::close_node`].
    pub(crate) fn from_parts(offsets: Vec<usize>, edges: Vec<usize>) -> Dag {
        Dag { offsets, edges }
    }

    /// The tasks task `t` waits for (resolved, sorted, without duplicates). Ids that name
    /// no task are left out here; lint reports them.
    pub fn deps(&self, t: usize) -> &[usize] {
        &self.edges[self.offsets[t]..self.offsets[t + 1]]
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Every dependency cycle, each as the path of tasks around it (first task repeated
    /// implicitly). Finds strongly connected components iteratively (no recursion, so a
    /// 100k-task chain cannot overflow the stack) and walks one cycle inside each.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.len();
        // When every task waits only for tasks above it, document order is a topological
        // order and nothing can loop. Most plans are written that way; this one pass over the
        // edges saves the search and its working memory.
        if (0..n).all(|node| self.deps(node).iter().all(|&dep| dep < node)) {
            return Vec::new();
        }
        let mut comp = vec![usize::MAX; n];
        let mut low = vec![0usize; n];
        let mut order = vec![usize::MAX; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut counter = 0;
        // Only components that loop are kept: most tasks are components of one.
        let mut looping: Vec<(usize, usize)> = Vec::new(); // (component number, smallest member)
        let mut components = 0;
        let mut work: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if order[root] != usize::MAX {
                continue;
            }
            work.push((root, 0));
            order[root] = counter;
            low[root] = counter;
            counter += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (node, ref mut next)) = work.last_mut() {
                if let Some(&dep) = self.deps(node).get(*next) {
                    *next += 1;
                    if order[dep] == usize::MAX {
                        order[dep] = counter;
                        low[dep] = counter;
                        counter += 1;
                        stack.push(dep);
                        on_stack[dep] = true;
                        work.push((dep, 0));
                    } else if on_stack[dep] {
                        low[node] = low[node].min(order[dep]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == order[node] {
                    let (mut size, mut smallest) = (0, node);
                    while let Some(top) = stack.pop() {
                        on_stack[top] = false;
                        comp[top] = components;
                        size += 1;
                        smallest = smallest.min(top);
                        if top == node {
                            break;
                        }
                    }
                    if size > 1 || self.deps(node).contains(&node) {
                        looping.push((components, smallest));
                    }
                    components += 1;
                }
            }
        }
        let mut cycles: Vec<Vec<usize>> = looping
            .into_iter()
            .map(|(c, start)| self.walk_cycle(start, c, &comp))
            .collect();
        cycles.sort();
        cycles
    }

    /// A path from `start` back to itself, staying inside component `c`.
    fn walk_cycle(&self, start: usize, c: usize, comp: &[usize]) -> Vec<usize> {
        // Breadth-first from start's deps back to start gives the shortest cycle.
        let mut prev: HashMap<usize, usize> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut seen = HashSet::from([start]);
        while let Some(node) = queue.pop_front() {
            for &dep in self.deps(node) {
                if comp[dep] != c {
                    continue;
                }
                if dep == start {
                    let mut path = vec![node];
                    let mut at = node;
                    while at != start {
                        at = prev[&at];
                        path.push(at);
                    }
                    path.reverse();
                    return path;
                }
                if seen.insert(dep) {
                    prev.insert(dep, node);
                    queue.push_back(dep);
                }
            }
        }
        vec![start]
    }
}

/// Why a task is or is not ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    Closed,
    InProgress,
    Claimed(String),
    /// Waits for these tasks (indices).
    Waiting(Vec<usize>),
    /// A later phase: the earlier phase still has open tasks.
    LaterPhase(usize),
    /// A parent whose sub-tasks are still open.
    HasOpenSubtasks,
    /// Would be ready, but waits for something that names no task (`after: the schema
    /// task`), as written: never ready, since nothing can tell whether that is done (`lint`
    /// reports it as E102).
    Unresolved(String),
}

/// The first phase that still has an open task, if any.
pub fn current_phase(plan: &Plan) -> Option<usize> {
    plan.phases
        .iter()
        .find(|p| p.tasks.iter().any(|&t| !plan.tasks[t].status.is_closed()))
        .map(|p| p.index)
}

/// Decides readiness for every task. `claims` maps task ids to the session holding them.
pub fn readiness(plan: &Plan, dag: &Dag, claims: &HashMap<String, String>) -> Vec<Readiness> {
    let current = current_phase(plan);
    let mut open_children = vec![false; plan.tasks.len()];
    for task in &plan.tasks {
        if let Some(parent) = task.parent
            && !task.status.is_closed()
        {
            open_children[parent] = true;
        }
    }
    plan.tasks
        .iter()
        .map(|task| {
            if task.status.is_closed() {
                return Readiness::Closed;
            }
            if let Some(owner) = task.id.as_ref().and_then(|id| claims.get(id)) {
                return Readiness::Claimed(owner.clone());
            }
            if task.status == Status::InProgress {
                return Readiness::InProgress;
            }
            let waiting: Vec<usize> = dag
                .deps(task.index)
                .iter()
                .copied()
                .filter(|&d| !plan.tasks[d].status.is_closed())
                .collect();
            if !waiting.is_empty() {
                return Readiness::Waiting(waiting);
            }
            if let Some(current) = current
                && task.phase > current
            {
                return Readiness::LaterPhase(current);
            }
            if open_children[task.index] {
                return Readiness::HasOpenSubtasks;
            }
            if let Some(dep) = plan.unresolved_dep(task.index) {
                return Readiness::Unresolved(dep.id.clone());
            }
            Readiness::Ready
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;

    fn ids(plan: &Plan, cycle: &[usize]) -> Vec<String> {
        cycle.iter().map(|&t| plan.tasks[t].display_id()).collect()
    }

    #[test]
    fn finds_cycles_and_self_loops() {
        let plan = parse(
            b"- [ ] T1 a\n  - after: T3\n- [ ] T2 b\n  - after: T1\n- [ ] T3 c\n  - after: T2\n- [ ] T4 d\n  - after: T4\n- [ ] T5 e\n  - after: T1\n",
        );
        let dag = Dag::build(&plan);
        let cycles = dag.cycles();
        assert_eq!(cycles.len(), 2);
        assert_eq!(ids(&plan, &cycles[0]), ["T1", "T3", "T2"]);
        assert_eq!(ids(&plan, &cycles[1]), ["T4"]);
    }

    #[test]
    fn long_chain_does_not_overflow() {
        // Each task waits for the one below it, so the search walks the whole chain.
        let mut src = String::new();
        for i in 0..200_000 {
            src.push_str(&format!("- [ ] T{i} x\n  - after: T{}\n", i + 1));
        }
        src.push_str("- [ ] T200000 last\n");
        let plan = parse(src.as_bytes());
        assert!(Dag::build(&plan).cycles().is_empty());
    }

    #[test]
    fn plans_that_only_wait_upwards_have_no_cycles_but_a_self_loop_is_one() {
        let plan = parse(b"- [ ] T1 a\n- [ ] T2 b\n  - after: T1\n- [ ] T3 c\n  - after: T1, T2\n");
        assert!(Dag::build(&plan).cycles().is_empty());
        let plan = parse(b"- [ ] T1 a\n- [ ] T2 b\n  - after: T1, T2\n");
        let cycles = Dag::build(&plan).cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(ids(&plan, &cycles[0]), ["T2"]);
    }

    #[test]
    fn readiness_respects_deps_claims_and_phases() {
        let plan = parse(
            b"## Phase 1\n- [x] T1 a\n- [ ] T2 b\n  - after: T1\n- [ ] T3 c\n  - after: T2\n- [ ] T4 d\n## Phase 2\n- [ ] T5 e\n",
        );
        let dag = Dag::build(&plan);
        let claims = HashMap::from([("T4".to_string(), "bob".to_string())]);
        let r = readiness(&plan, &dag, &claims);
        assert_eq!(r[0], Readiness::Closed);
        assert_eq!(r[1], Readiness::Ready);
        assert_eq!(r[2], Readiness::Waiting(vec![1]));
        assert_eq!(r[3], Readiness::Claimed("bob".into()));
        assert_eq!(r[4], Readiness::LaterPhase(0));
    }
}
