//! Why open tasks can never start: a dependency that names no task (`after: the schema
//! task`), or dependencies that loop, directly or through phase order (a deadlock). `next`
//! asks this so that it never calls such a task ready, and never answers a deadlock with a
//! bare "nothing is ready".

use super::error::Error;
use super::project::Project;
use crate::graph::flow::{CycleStep, Flow};
use crate::graph::id_index;
use crate::plan::Plan;

/// An open task whose `after` (or another task's `blocks`) names no task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub task: usize,
    /// The first reference that names no task, as written.
    pub named: String,
    /// Where that reference is written.
    pub line: u32,
}

/// Every open task with a dependency that names no task, in plan order.
pub fn unresolved(plan: &Plan) -> Vec<Unresolved> {
    let mut out = Vec::new();
    for task in plan.tasks.iter().filter(|t| !t.status.is_closed()) {
        if let Some(dep) = plan.unresolved_dep(task.index) {
            out.push(Unresolved {
                task: task.index,
                named: dep.id.clone(),
                line: dep.span.line,
            });
        }
    }
    out
}

/// "T2 waits for `the schema` (plan.md:5), which names no task".
pub fn describe(plan: &Plan, file: &Project, held: &Unresolved) -> String {
    format!(
        "{} waits for `{}` ({}:{}), which names no task",
        plan.tasks[held.task].display_id(),
        held.named.escape_debug(),
        file.shown,
        held.line
    )
}

/// The error for a plan where no open task can ever start and none is claimed or in
/// progress: the loop its dependencies make (each task with its line), else the
/// dependencies that name no task. None when neither explains it.
pub fn deadlock(plan: &Plan, file: &Project, unresolved: &[Unresolved]) -> Option<Error> {
    if let Err(cycle) = Flow::build(plan, &id_index(plan)) {
        let open = cycle.path.iter().any(|step| match *step {
            CycleStep::Task(t) => !plan.tasks[t].status.is_closed(),
            CycleStep::PhaseEnd(_) => false,
        });
        if open {
            let name = |step: &CycleStep, with_line: bool| match *step {
                CycleStep::Task(t) if with_line => {
                    let task = &plan.tasks[t];
                    format!("{} (line {})", task.display_id(), task.line_span.line)
                }
                CycleStep::Task(t) => plan.tasks[t].display_id(),
                CycleStep::PhaseEnd(k) => format!("the end of phase {}", k + 1),
            };
            let mut steps: Vec<String> = cycle.path.iter().map(|s| name(s, true)).collect();
            steps.extend(cycle.path.first().map(|s| name(s, false)));
            let line = cycle
                .path
                .iter()
                .find_map(|step| match *step {
                    CycleStep::Task(t) => Some(plan.tasks[t].line_span.line),
                    CycleStep::PhaseEnd(_) => None,
                })
                .unwrap_or(1);
            return Some(
                Error::input(format!(
                    "{}:{line}: deadlock: no open task can ever start, because these wait for each other in a loop: {}",
                    file.shown,
                    steps.join(" → ")
                ))
                .with_hint(
                    "remove one `after` link of the loop (or move a task to another phase); `baton lint` shows every cycle",
                ),
            );
        }
    }
    let first = unresolved.first()?;
    let more = match unresolved.len() {
        1 => String::new(),
        n => format!(
            " (and {} more such task{})",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    };
    Some(
        Error::input(format!(
            "{}:{}: deadlock: no open task can ever start: {}{more}",
            file.shown,
            first.line,
            describe(plan, file, first)
        ))
        .with_hint("name the tasks it waits for by id (`after: T1`); `baton lint` lists every dependency that names no task"),
    )
}
