//! `baton list`: tasks, filtered by phase, status, readiness or claim.

use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::CliError;
use super::printer::{self, Printer};
use crate::graph::Readiness;
use crate::ops::Project;
use crate::ops::overview::{StatusFilter, phase_filter};
use crate::ops::views::{Envelope, TaskView};
use crate::plan::{Plan, Task};

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
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan, _) = file.load_shared()?;
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
