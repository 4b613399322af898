//! `baton report`: the plan, its schedule, its verdicts and its latest run as one
//! self-contained HTML page, for a pull request or a CI artifact.
//!
//! Why a module of its own: the page is a view of several domain results at once (the
//! analysis, the verifier's reports, the run ledger), and none of them should know about
//! HTML. [`Report::build`] turns those results into a plain model, owning only strings and
//! numbers; [`html::render`] turns the model into the page, with the dependency graph and the
//! Gantt drawn as inline SVG by [`svg`] (layout computed here, no script, no network).
//!
//! Plan text is data: every string from the plan, the state or the evidence goes through
//! [`escape`] on its way into the page.

pub mod html;
pub mod svg;

use crate::analyze::Analysis;
use crate::plan::{Plan, Status};
use crate::state::RunStatus;
use crate::verify::{TaskReport, Verdict, Weight};

/// Above this many tasks the graph is drawn one box per wave instead of one per task, and
/// the page says so: a picture of thousands of boxes is megabytes no one can read.
pub const GRAPH_MAX_TASKS: usize = 600;
/// Above this many slots the planned Gantt draws one bar per lane instead of one per task.
pub const GANTT_MAX_SLOTS: usize = 1500;
/// Above this many tasks, the evidence is listed only for the tasks whose verdict asks for a
/// look (everything but an open task not done yet, a skipped or a plainly verified one).
pub const EVIDENCE_ALL_MAX_TASKS: usize = 1000;
/// Findings listed per task at most (the rest: `baton verify --explain ID`).
pub const FINDINGS_PER_TASK: usize = 12;

/// One task as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// The id, or `line N`.
    pub id: String,
    pub title: String,
    /// Index into [`Report::phases`].
    pub phase: usize,
    pub status: Status,
    /// Its wave (1-based), 0 for closed tasks and groups.
    pub wave: u32,
    pub critical: bool,
    /// An open task with sub-tasks (finished by them, not work itself).
    pub group: bool,
    pub minutes: u64,
    pub verdict: Option<Verdict>,
    /// Why the verdict is what it is, in one sentence.
    pub reason: String,
    pub evidence: Vec<Evidence>,
    /// Findings left off the list (past [`FINDINGS_PER_TASK`], or all of them for a big plan
    /// and a task that needs no look).
    pub evidence_omitted: usize,
}

/// One finding of the verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub weight: Weight,
    pub layer: &'static str,
    pub message: String,
    pub location: Option<String>,
}

/// One bar of a Gantt: a task on a session, from `start` to `end` (minutes for the plan,
/// seconds for a run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub start: u64,
    pub end: u64,
    pub critical: bool,
}

/// One row of a Gantt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub bars: Vec<Bar>,
    /// A run's session state (`merged`, `blocked`, …); empty for a planned lane.
    pub state: String,
}

/// The schedule as planned: lanes of the analysis, weighted by `est:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub sessions: u32,
    pub rows: Vec<Row>,
    /// Minutes until the last task ends.
    pub makespan: u64,
    /// T1: minutes of open work.
    pub total_minutes: u64,
    /// T∞: minutes along the critical path.
    pub critical_minutes: u64,
    /// The ids along the critical path, in order.
    pub critical_path: Vec<String>,
    /// T1 / max(T∞, T1 / N): the most `sessions` sessions can speed the work up.
    pub speedup_bound: f64,
    pub recommended_sessions: u32,
    /// Set when the rows were collapsed to one bar per lane.
    pub collapsed: bool,
}

/// The latest run, as the run ledger holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    pub run: i64,
    pub phase: i64,
    pub agent: String,
    pub state: String,
    pub outcome: Option<String>,
    pub started_at: String,
    pub elapsed_seconds: i64,
    /// One row per session: one bar from its first start to its end (or the run's stop).
    pub rows: Vec<Row>,
    pub sessions: Vec<SessionCost>,
    pub tokens: Option<u64>,
    pub tool_calls: Option<u64>,
    pub cost_usd: Option<f64>,
}

/// One session's tasks and what its agent reported.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionCost {
    pub session: String,
    pub tasks: Vec<String>,
    pub state: String,
    pub attempt: u32,
    pub elapsed_seconds: i64,
    pub tokens: Option<u64>,
    pub tool_calls: Option<u64>,
    pub cost_usd: Option<f64>,
    pub why: Option<String>,
}

/// The dependency graph: columns of tasks, and edges between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphModel {
    pub columns: Vec<Column>,
    /// `(from, to)` as `(column, row)` positions: `to` waits for `from`.
    pub edges: Vec<((usize, usize), (usize, usize))>,
    /// Nodes are waves, not tasks (the plan is past [`GRAPH_MAX_TASKS`]).
    pub collapsed: bool,
}

/// One column of the graph: the closed tasks, or a wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub label: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub label: String,
    /// `open`, `critical`, `done`, `skipped`, `group`, or `wave` when collapsed.
    pub class: &'static str,
    /// The full text, for a tooltip.
    pub tooltip: String,
    /// The task's index, to link its row in the verdicts table (None for a collapsed wave).
    pub task: Option<usize>,
}

/// Everything on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    /// The plan file as shown in messages.
    pub plan: String,
    pub generated_at: String,
    pub phases: Vec<String>,
    pub tasks: Vec<TaskRow>,
    pub graph: GraphModel,
    pub planned: Planned,
    pub actual: Option<Actual>,
    pub decisions: Vec<String>,
    /// Tasks whose evidence was left off because the plan is large (see
    /// [`EVIDENCE_ALL_MAX_TASKS`]).
    pub evidence_trimmed: bool,
}

/// What [`Report::build`] reads.
#[derive(Debug)]
pub struct Inputs<'a> {
    pub plan: &'a Plan,
    pub plan_shown: &'a str,
    pub analysis: &'a Analysis,
    /// The verifier's report of each task, in any order (tasks missing get no verdict).
    pub verdicts: &'a [TaskReport],
    pub run: Option<&'a RunStatus>,
    pub now: &'a str,
}

impl Report {
    pub fn build(inputs: &Inputs<'_>) -> Report {
        let plan = inputs.plan;
        let analysis = inputs.analysis;
        let n = plan.tasks.len();
        let mut critical = vec![false; n];
        for &t in &analysis.critical_path {
            if t < n {
                critical[t] = true;
            }
        }
        let mut by_task: Vec<Option<&TaskReport>> = vec![None; n];
        for r in inputs.verdicts {
            if r.task < n {
                by_task[r.task] = Some(r);
            }
        }
        let trimmed = n > EVIDENCE_ALL_MAX_TASKS;
        let tasks: Vec<TaskRow> = plan
            .tasks
            .iter()
            .map(|task| {
                let t = task.index;
                let report = by_task[t];
                let verdict = report.map(|r| r.verdict);
                let show = !trimmed || verdict.is_some_and(needs_look);
                let findings = report.map_or(&[][..], |r| r.findings.as_slice());
                let evidence: Vec<Evidence> = if show {
                    findings
                        .iter()
                        .take(FINDINGS_PER_TASK)
                        .map(evidence_of)
                        .collect()
                } else {
                    Vec::new()
                };
                TaskRow {
                    id: task.display_id(),
                    title: task.title.trim().to_string(),
                    phase: task.phase,
                    status: task.status,
                    wave: analysis.wave_of.get(t).copied().unwrap_or(0),
                    critical: critical[t],
                    group: !task.status.is_closed() && !analysis.flow.is_work(t),
                    minutes: analysis.flow.minutes.get(t).copied().unwrap_or(0),
                    verdict,
                    reason: report.map(|r| r.reason(task.status)).unwrap_or_default(),
                    evidence_omitted: findings.len() - evidence.len(),
                    evidence,
                }
            })
            .collect();
        let graph = graph_model(plan, analysis, &tasks);
        let planned = planned(plan, analysis, &critical);
        let actual = inputs.run.map(actual);
        let decisions = plan
            .decisions
            .as_ref()
            .map(|log| {
                log.entries
                    .iter()
                    .map(|d| d.text.trim().to_string())
                    .filter(|d| !d.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Report {
            title: plan
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| inputs.plan_shown.to_string()),
            plan: inputs.plan_shown.to_string(),
            generated_at: inputs.now.to_string(),
            phases: plan.phases.iter().map(|p| p.title.clone()).collect(),
            tasks,
            graph,
            planned,
            actual,
            decisions,
            evidence_trimmed: trimmed,
        }
    }

    /// How many tasks have each verdict, worst first (verdicts no task has are left out).
    pub fn verdict_counts(&self) -> Vec<(Verdict, usize)> {
        let mut counts: std::collections::BTreeMap<Verdict, usize> = Default::default();
        for t in &self.tasks {
            if let Some(v) = t.verdict {
                *counts.entry(v).or_default() += 1;
            }
        }
        counts.into_iter().collect()
    }
}

/// Whether a verdict asks a reviewer to look at its evidence.
pub fn needs_look(verdict: Verdict) -> bool {
    !matches!(
        verdict,
        Verdict::Incomplete | Verdict::Skipped | Verdict::Verified
    )
}

fn evidence_of(f: &crate::verify::Finding) -> Evidence {
    // The report runs no command; the verifier's note on a held-back command speaks of
    // agents and locks, which would mislead here.
    let message = if f.check == "untrusted-command" {
        format!(
            "`{}` not run: a report runs no command (`baton verify` does)",
            f.subject
        )
    } else {
        f.message.clone()
    };
    Evidence {
        weight: f.weight,
        layer: f.layer.as_str(),
        message,
        location: f.location(),
    }
}

fn graph_model(plan: &Plan, analysis: &Analysis, tasks: &[TaskRow]) -> GraphModel {
    let n = plan.tasks.len();
    let closed: Vec<usize> = (0..n)
        .filter(|&t| plan.tasks[t].status.is_closed())
        .collect();
    // Open groups sit in no wave; they are drawn in a column of their own, last.
    let groups: Vec<usize> = (0..n).filter(|&t| tasks[t].group).collect();
    let mut columns_of_tasks: Vec<(String, Vec<usize>)> = Vec::new();
    if !closed.is_empty() {
        columns_of_tasks.push(("Done".to_string(), closed));
    }
    for (k, wave) in analysis.waves.iter().enumerate() {
        columns_of_tasks.push((format!("Wave {}", k + 1), wave.clone()));
    }
    if !groups.is_empty() {
        columns_of_tasks.push(("Groups".to_string(), groups));
    }
    let mut position: Vec<Option<(usize, usize)>> = vec![None; n];
    for (c, (_, list)) in columns_of_tasks.iter().enumerate() {
        for (r, &t) in list.iter().enumerate() {
            position[t] = Some((c, r));
        }
    }
    let flow = &analysis.flow;
    if n > GRAPH_MAX_TASKS {
        // One box per column, one edge per pair of columns some dependency joins.
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for t in 0..n {
            for &p in flow.preds(t) {
                let p = p as usize;
                if let (Some(a), Some(b)) = (position.get(p).copied().flatten(), position[t])
                    && a.0 != b.0
                {
                    pairs.push((a.0, b.0));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let columns = columns_of_tasks
            .iter()
            .map(|(label, list)| Column {
                label: label.clone(),
                nodes: vec![Node {
                    label: format!("{} task{}", list.len(), plural(list.len())),
                    class: "wave",
                    tooltip: format!("{label}: {} task{}", list.len(), plural(list.len())),
                    task: None,
                }],
            })
            .collect();
        return GraphModel {
            columns,
            edges: pairs.into_iter().map(|(a, b)| ((a, 0), (b, 0))).collect(),
            collapsed: true,
        };
    }
    let columns = columns_of_tasks
        .iter()
        .map(|(label, list)| Column {
            label: label.clone(),
            nodes: list
                .iter()
                .map(|&t| {
                    let row = &tasks[t];
                    Node {
                        label: node_label(row),
                        class: node_class(row),
                        tooltip: format!("{} {} ({})", row.id, row.title, row.status.as_str()),
                        task: Some(t),
                    }
                })
                .collect(),
        })
        .collect();
    let mut edges = Vec::new();
    for t in 0..n {
        for &p in flow.preds(t) {
            if let (Some(a), Some(b)) = (position.get(p as usize).copied().flatten(), position[t]) {
                edges.push((a, b));
            }
        }
    }
    GraphModel {
        columns,
        edges,
        collapsed: false,
    }
}

fn node_label(row: &TaskRow) -> String {
    // About 26 monospace characters fit in a node's box.
    let id = shorten(&row.id, 12);
    let title = shorten(&row.title, 25usize.saturating_sub(id.chars().count()));
    if title.is_empty() {
        id
    } else {
        format!("{id} {title}")
    }
}

fn node_class(row: &TaskRow) -> &'static str {
    match row.status {
        Status::Done => "done",
        Status::Skipped => "skipped",
        _ if row.group => "group",
        _ if row.critical => "critical",
        _ => "open",
    }
}

fn planned(plan: &Plan, analysis: &Analysis, critical: &[bool]) -> Planned {
    let schedule = &analysis.schedule;
    let slots: usize = schedule.lanes.iter().map(|l| l.slots.len()).sum();
    let collapsed = slots > GANTT_MAX_SLOTS;
    let rows = schedule
        .lanes
        .iter()
        .map(|lane| {
            let phase = plan
                .phases
                .get(lane.phase)
                .map_or_else(String::new, |p| p.title.clone());
            let label = format!("session {} · {}", lane.session, shorten(&phase, 24));
            let bars = if collapsed {
                let start = lane.slots.iter().map(|s| s.start).min().unwrap_or(0);
                let end = lane.slots.iter().map(|s| s.end).max().unwrap_or(0);
                vec![Bar {
                    label: format!("{} task{}", lane.slots.len(), plural(lane.slots.len())),
                    start,
                    end,
                    critical: lane.slots.iter().any(|s| critical[s.task]),
                }]
            } else {
                lane.slots
                    .iter()
                    .map(|s| Bar {
                        label: plan.tasks[s.task].display_id(),
                        start: s.start,
                        end: s.end,
                        critical: critical[s.task],
                    })
                    .collect()
            };
            Row {
                label,
                bars,
                state: String::new(),
            }
        })
        .collect();
    let sessions = schedule.sessions.max(1);
    let bound = if analysis.total_minutes == 0 {
        1.0
    } else {
        analysis.total_minutes as f64 / analysis.lower_bound.max(1) as f64
    };
    Planned {
        sessions,
        rows,
        makespan: schedule.makespan,
        total_minutes: analysis.total_minutes,
        critical_minutes: analysis.critical_minutes,
        critical_path: analysis
            .critical_path
            .iter()
            .filter(|&&t| t < plan.tasks.len())
            .map(|&t| plan.tasks[t].display_id())
            .collect(),
        speedup_bound: bound,
        recommended_sessions: analysis.recommended_sessions,
        collapsed,
    }
}

fn actual(run: &RunStatus) -> Actual {
    let origin = crate::state::unix_from_rfc3339(&run.started_at).unwrap_or(0);
    let rows = run
        .sessions
        .iter()
        .map(|s| {
            let bars = s
                .started_at
                .as_deref()
                .and_then(crate::state::unix_from_rfc3339)
                .map(|start| {
                    let from = (start - origin).max(0) as u64;
                    vec![Bar {
                        label: s.tasks.join(", "),
                        start: from,
                        end: from + s.elapsed_seconds.max(0) as u64,
                        critical: false,
                    }]
                })
                .unwrap_or_default();
            Row {
                label: s.session.clone(),
                bars,
                state: s.state.clone(),
            }
        })
        .collect();
    let sessions = run
        .sessions
        .iter()
        .map(|s| SessionCost {
            session: s.session.clone(),
            tasks: s.tasks.clone(),
            state: s.state.clone(),
            attempt: s.attempt,
            elapsed_seconds: s.elapsed_seconds,
            tokens: s.activity.as_ref().map(|a| a.tokens),
            tool_calls: s.activity.as_ref().map(|a| a.tool_calls),
            cost_usd: s.activity.as_ref().and_then(|a| a.cost_usd),
            why: s.why.clone(),
        })
        .collect();
    Actual {
        run: run.run,
        phase: run.phase,
        agent: run.agent.clone(),
        state: run.state.clone(),
        outcome: run.outcome.clone(),
        started_at: run.started_at.clone(),
        elapsed_seconds: run.elapsed_seconds,
        rows,
        sessions,
        tokens: run.totals.as_ref().map(|t| t.tokens),
        tool_calls: run.totals.as_ref().map(|t| t.tool_calls),
        cost_usd: run.totals.as_ref().and_then(|t| t.cost_usd),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// At most `max` characters, cut with `…`.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Text made safe inside HTML (and inline SVG), in content and in quoted attributes: the
/// five markup characters become references, and control characters HTML forbids become
/// U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Minutes as `45m`, `2h`, `1h 30m`.
pub fn minutes(m: u64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    }
}

/// Seconds as `42s`, `3m 05s`, `1h 02m`.
pub fn seconds(s: i64) -> String {
    let s = s.max(0);
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

#[cfg(test)]
mod tests;
