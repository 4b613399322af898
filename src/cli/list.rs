//! `baton list`: tasks, filtered by phase, status, readiness or claim.

use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::context::PlanFile;
use super::error::CliError;
use super::printer::{self, Printer};
use super::views::{Envelope, TaskView};
use crate::graph::Readiness;
use crate::plan::{Plan, Status, Task};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum StatusFilter {
    Todo,
    InProgress,
    Done,
    Skipped,
    /// Todo or in progress.
    Open,
}

impl StatusFilter {
    pub fn matches(self, status: Status) -> bool {
        match self {
            StatusFilter::Todo => status == Status::Todo,
            StatusFilter::InProgress => status == Status::InProgress,
            StatusFilter::Done => status == Status::Done,
            StatusFilter::Skipped => status == Status::Skipped,
            StatusFilter::Open => !status.is_closed(),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this phase: its number (1-based) or a word of its title.
    #[arg(long, value_name = "PHASE")]
    phase: Option<String>,
    /// Only tasks with this status.
    #[arg(long, value_enum)]
    status: Option<StatusFilter>,
    /// Only tasks ready to start.
    #[arg(long)]
    ready: bool,
    /// Only claimed tasks.
    #[arg(long)]
    claimed: bool,
    /// Print as JSON (docs/json.md, schema `baton.list`).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct ListView {
    tasks: Vec<TaskView>,
}

/// The phase a `--phase` value names.
pub fn phase_filter(plan: &Plan, wanted: &str) -> Result<usize, CliError> {
    if let Ok(n) = wanted.parse::<usize>()
        && (1..=plan.phases.len()).contains(&n)
    {
        return Ok(n - 1);
    }
    let lower = wanted.to_lowercase();
    let by_number = plan
        .phases
        .iter()
        .find(|ph| ph.number.as_deref() == Some(wanted));
    let by_title = plan
        .phases
        .iter()
        .find(|ph| ph.title.to_lowercase().contains(&lower));
    by_number.or(by_title).map(|ph| ph.index).ok_or_else(|| {
        let names: Vec<String> = plan
            .phases
            .iter()
            .map(|ph| format!("{} \"{}\"", ph.index + 1, ph.title))
            .collect();
        CliError::input(format!("no phase matches \"{wanted}\""))
            .with_hint(format!("phases: {}", names.join(", ")))
    })
}

/// A phase as shown to people: its heading when that carries a number, else `N. title`.
pub fn phase_name(phase: &crate::plan::Phase) -> String {
    if phase.number.is_some() {
        phase.title.clone()
    } else {
        format!("{}. {}", phase.index + 1, phase.title)
    }
}

/// One task on one line: checkbox, id, title, and what holds it up.
pub fn task_line(plan: &Plan, task: &Task, readiness: &Readiness) -> String {
    let mut line = format!(
        "{} {} {}",
        printer::checkbox(task.status),
        printer::paint(printer::BOLD, format!("{:<5}", task.display_id())),
        task.title
    );
    if task.parallel {
        line.push_str(&printer::paint(printer::CYAN, " [P]"));
    }
    if let Some(est) = &task.estimate {
        line.push_str(&printer::paint(printer::DIM, format!(" ~{est}")));
    }
    let note = match readiness {
        Readiness::Claimed(owner) => printer::paint(printer::MAGENTA, format!(" ← {owner}")),
        Readiness::Waiting(deps) => {
            let ids: Vec<String> = deps.iter().map(|&d| plan.tasks[d].display_id()).collect();
            printer::paint(printer::DIM, format!(" (waits for {})", ids.join(", ")))
        }
        _ => String::new(),
    };
    line.push_str(&note);
    line
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = PlanFile::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    let (claims, readiness) = file.readiness(&plan)?;
    let phase = args
        .phase
        .as_deref()
        .map(|w| phase_filter(&plan, w))
        .transpose()?;
    let selected: Vec<&Task> = plan
        .tasks
        .iter()
        .filter(|t| phase.is_none_or(|ph| t.phase == ph))
        .filter(|t| args.status.is_none_or(|s| s.matches(t.status)))
        .filter(|t| !args.ready || readiness[t.index] == Readiness::Ready)
        .filter(|t| !args.claimed || t.id.as_ref().is_some_and(|id| claims.contains_key(id)))
        .collect();
    if args.json {
        let tasks = selected
            .iter()
            .map(|t| {
                let claim = t.id.as_ref().and_then(|id| claims.get(id));
                TaskView::new(&plan, t, &readiness[t.index], claim)
            })
            .collect();
        p.json(&Envelope::new(
            "baton.list",
            &file.shown,
            ListView { tasks },
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut last_phase = None;
    for task in &selected {
        if last_phase != Some(task.phase) {
            let ph = &plan.phases[task.phase];
            p.line(printer::paint(printer::BOLD, phase_name(ph)))?;
            last_phase = Some(task.phase);
        }
        p.line(format!(
            "  {}",
            task_line(&plan, task, &readiness[task.index])
        ))?;
    }
    if selected.is_empty() {
        p.status("no tasks match")?;
    }
    Ok(ExitCode::SUCCESS)
}
