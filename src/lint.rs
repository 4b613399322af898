//! Lint: findings with stable codes over the plan model. Parser diagnostics (B…) come first,
//! then structure errors (E…) and warnings (W…). The code list is documented in
//! docs/lint.md; codes never change meaning once released.

use crate::graph::Dag;
use crate::plan::keys;
use crate::plan::{Diagnostic, Plan, Severity, Task};

/// Every finding for a plan, in file order.
///
/// The parser has already resolved every dependency and found the reused ids, so the tasks
/// are walked once, for everything a task alone decides, which also builds the graph that
/// the cycle search walks. Findings are sorted by place and code at the end (a stable sort, and
/// each code is found in task order), so fusing the checks into one walk changes no order.
pub fn lint(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = plan.diagnostics.clone();
    duplicate_ids(plan, &mut out);
    // Phases by task, in one small array, from the phases' own lists: looking them up in the
    // tasks themselves would touch a cold task for every dependency.
    let mut phase_of = vec![0u32; plan.tasks.len()];
    for phase in &plan.phases {
        for &t in &phase.tasks {
            phase_of[t] = phase.index as u32;
        }
    }
    let dag = task_findings(plan, &phase_of, &mut out);
    for cycle in dag.cycles() {
        let first = &plan.tasks[cycle[0]];
        let path: Vec<String> = cycle
            .iter()
            .chain(std::iter::once(&cycle[0]))
            .map(|&t| plan.tasks[t].display_id())
            .collect();
        let span = first
            .deps
            .iter()
            .find(|d| {
                cycle
                    .get(1)
                    .map_or(Some(&d.id) == first.id.as_ref(), |&next| {
                        Some(&d.id) == plan.tasks[next].id.as_ref()
                    })
            })
            .map_or(first.line_span, |d| d.span);
        out.push(Diagnostic {
            code: "E103",
            name: "dependency-cycle",
            severity: Severity::Error,
            message: format!("dependency cycle: {}", path.join(" → ")),
            span,
            hint: Some("remove one of these `after` links; a cycle can never start".to_string()),
        });
    }
    for phase in plan.phases.iter().filter(|p| p.marked_complete) {
        let open = phase
            .tasks
            .iter()
            .filter(|&&t| !plan.tasks[t].status.is_closed())
            .count();
        if open > 0 {
            out.push(Diagnostic {
                code: "W203",
                name: "complete-heading-open-tasks",
                severity: Severity::Warning,
                message: format!(
                    "heading marks \"{}\" complete but {open} of its {} tasks are open",
                    phase.title,
                    phase.tasks.len()
                ),
                span: phase.heading_span.unwrap_or_default(),
                hint: Some("finish or skip (`[-]`) the open tasks, or drop the mark".to_string()),
            });
        }
    }
    out.sort_by_key(|d| (d.span.start, d.code));
    out
}

/// Every task that reuses an earlier task's id (the parser found them while linking).
fn duplicate_ids(plan: &Plan, out: &mut Vec<Diagnostic>) {
    for &(task, first) in &plan.duplicate_ids {
        let task = &plan.tasks[task];
        let id = task.id.as_deref().unwrap_or_default();
        out.push(Diagnostic {
            code: "E101",
            name: "duplicate-id",
            severity: Severity::Error,
            message: format!(
                "duplicate id {id}, first used on line {}",
                plan.tasks[first].line_span.line
            ),
            span: task.id_span.unwrap_or(task.line_span),
            hint: Some(
                "give each task its own id; `baton fmt --ids` fills in missing ones".to_string(),
            ),
        });
    }
}

/// Everything one task decides: unknown and later-phase dependencies, a missing id, unknown
/// keys, a ticked task with open items. Returns the dependency graph (the same as
/// [`Dag::build`]).
fn task_findings(plan: &Plan, phase_of: &[u32], out: &mut Vec<Diagnostic>) -> Dag {
    let mut offsets = Vec::with_capacity(plan.tasks.len() + 1);
    let mut edges = Vec::with_capacity(plan.tasks.len() * 2);
    offsets.push(0);
    // Only consulted when a dependency is unknown, so built lazily.
    let mut sorted_ids: Option<Vec<&str>> = None;
    let mut known_ids: Option<rustc_hash::FxHashSet<&str>> = None;
    for task in &plan.tasks {
        let start = edges.len();
        // The references themselves are read only for a finding: on a large plan each list
        // is a cache miss.
        for (i, target) in plan.dep_targets.of(task.index).enumerate() {
            let dep = || &task.deps[i];
            match target {
                None => {
                    let dep = dep();
                    let ids = sorted_ids.get_or_insert_with(|| plan.ids().collect());
                    out.push(unknown_dependency(
                        task,
                        "depends on",
                        &dep.id,
                        dep.span,
                        ids,
                    ));
                }
                Some(target) => {
                    edges.push(target);
                    if phase_of[target] as usize > task.phase {
                        let dep = dep();
                        let target = &plan.tasks[target];
                        out.push(Diagnostic {
                            code: "E104",
                            name: "dependency-on-later-phase",
                            severity: Severity::Error,
                            message: format!(
                                "{} (phase \"{}\") depends on {} in the later phase \"{}\"",
                                task.display_id(),
                                plan.phases[task.phase].title,
                                dep.id,
                                plan.phases[target.phase].title
                            ),
                            span: dep.span,
                            hint: Some(format!(
                                "move {} to an earlier phase, or this task to a later one",
                                dep.id
                            )),
                        });
                    }
                }
            }
        }
        // `blocks` that names a task became an `after` of that task; one that names none is
        // only here.
        for blocked in &task.blocks {
            let known = known_ids.get_or_insert_with(|| plan.ids().collect());
            if !known.contains(blocked.id.as_str()) {
                let ids = sorted_ids.get_or_insert_with(|| plan.ids().collect());
                out.push(unknown_dependency(
                    task,
                    "blocks",
                    &blocked.id,
                    blocked.span,
                    ids,
                ));
            }
        }
        Dag::close_node(&mut edges, start);
        offsets.push(edges.len());

        if task.id.is_none() {
            out.push(Diagnostic {
                code: "W201",
                name: "missing-id",
                severity: Severity::Warning,
                message: format!("task has no id: {}", truncate(&task.title, 60)),
                span: task.line_span,
                hint: Some("run `baton fmt --ids` to assign ids".to_string()),
            });
        }
        for extra in &task.extra {
            let nearest = keys::nearest_key(&extra.key);
            out.push(Diagnostic {
                code: "W202",
                name: "unknown-key",
                severity: Severity::Warning,
                message: format!("unknown key `{}` on {}", extra.key, task.display_id()),
                span: extra.span,
                hint: nearest.map(|k| format!("did you mean `{k}`?")),
            });
        }
        if task.status == crate::plan::Status::Done {
            let open_items = task
                .acceptance
                .iter()
                .filter(|a| !a.status.is_closed())
                .count();
            if open_items > 0 {
                out.push(Diagnostic {
                    code: "W204",
                    name: "done-with-open-items",
                    severity: Severity::Warning,
                    message: format!(
                        "{} is ticked but {open_items} of its {} acceptance items {} not",
                        task.display_id(),
                        task.acceptance.len(),
                        if open_items == 1 { "is" } else { "are" }
                    ),
                    span: task.status_span,
                    hint: Some("tick the items that hold, or untick the task".to_string()),
                });
            }
        }
    }
    Dag::from_parts(offsets, edges)
}

/// E102 for a reference that names no task: `verb` is "depends on" (`after`) or "blocks".
fn unknown_dependency(
    task: &Task,
    verb: &str,
    dep: &str,
    span: crate::plan::Span,
    ids: &[&str],
) -> Diagnostic {
    // Control characters (an invalid byte reads as U+001A) are shown escaped.
    let shown = dep.escape_debug().to_string();
    let near = nearest_id(ids, dep).map(|near| format!("did you mean {near}?"));
    let (message, hint) = if keys::is_id(dep) {
        (
            format!("{} {verb} unknown task {shown}", task.display_id()),
            near.unwrap_or_else(|| "no task has this id".to_string()),
        )
    } else {
        (
            format!(
                "{} {verb} `{shown}`, which is not a task id",
                task.display_id()
            ),
            near.unwrap_or_else(|| "name tasks by their ids (`after: T1, T3`)".to_string()),
        )
    };
    Diagnostic {
        code: "E102",
        name: "unknown-dependency",
        severity: Severity::Error,
        message,
        span,
        hint: Some(hint),
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The id most like `wanted`, if any is close.
fn nearest_id<'a>(ids: &[&'a str], wanted: &str) -> Option<&'a str> {
    let limit = (wanted.len() / 3).max(1);
    ids.iter()
        .map(|id| (*id, strsim::damerau_levenshtein(id, wanted)))
        .filter(|&(_, d)| d <= limit)
        .min_by_key(|&(id, d)| (d, id.len()))
        .map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;

    fn codes(src: &str) -> Vec<(&'static str, u32)> {
        lint(&parse(src.as_bytes()))
            .iter()
            .map(|d| (d.code, d.span.line))
            .collect()
    }

    #[test]
    fn every_finding() {
        let src = "# P\n## Phase 1 ✅\n- [ ] T1 a\n  - after: T9\n  - fils: src/a.rs\n- [ ] T1 b\n  - after: T2\n- [x] no id\n  - [ ] open item\n## Phase 2\n- [ ] T2 c\n  - after: T3\n- [ ] T3 d\n  - after: T2\n";
        assert_eq!(
            codes(src),
            [
                ("W203", 2),
                ("E102", 4),
                ("W202", 5),
                ("E101", 6),
                ("E104", 7),
                ("W201", 8),
                ("W204", 8),
                ("E103", 12),
            ]
        );
        let findings = lint(&parse(src.as_bytes()));
        let unknown = findings.iter().find(|d| d.code == "E102").unwrap();
        assert_eq!(unknown.hint.as_deref(), Some("did you mean T1?"));
        let cycle = findings.iter().find(|d| d.code == "E103").unwrap();
        assert_eq!(cycle.message, "dependency cycle: T2 → T3 → T2");
        let key = findings.iter().find(|d| d.code == "W202").unwrap();
        assert_eq!(key.hint.as_deref(), Some("did you mean `files`?"));
    }

    #[test]
    fn words_that_name_no_task_are_unknown_dependencies() {
        let src =
            "# P\n- [ ] T1 a\n- [ ] T2 b\n  - after: T1, the schema task\n  - blocks: later\n";
        let findings = lint(&parse(src.as_bytes()));
        let messages: Vec<(&str, u32, &str)> = findings
            .iter()
            .map(|d| (d.code, d.span.line, d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "E102",
                    4,
                    "T2 depends on `the schema`, which is not a task id"
                ),
                ("E102", 5, "T2 blocks `later`, which is not a task id"),
            ]
        );
    }

    #[test]
    fn a_clean_plan_has_no_findings() {
        assert!(
            codes("# P\n## Phase 1\n- [ ] T1 a\n## Phase 2\n- [ ] T2 b\n  - after: T1\n")
                .is_empty()
        );
    }
}
