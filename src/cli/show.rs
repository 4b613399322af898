//! `baton show ID`: one task with everything baton knows about it.

use std::process::ExitCode;

use super::Globals;
use super::error::CliError;
use super::printer::{self, Printer};
use crate::ops::project::{Project, find_task};
use crate::ops::views::{Envelope, TaskView};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The task id.
    id: String,
    /// Print as JSON (docs/json.md, schema `baton.task`).
    #[arg(long)]
    json: bool,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan, lagging) = file.load_shared()?;
    let task = find_task(&plan, &file, &args.id)?;
    let (claims, readiness) = file.readiness(&plan)?;
    let claim = task.id.as_ref().and_then(|id| claims.get(id));
    let view = TaskView::new(&plan, task, &readiness[task.index], claim);
    if lagging.iter().any(|id| Some(id) == task.id.as_ref()) {
        p.hint(format!(
            "{} was ticked in another worktree; this {} does not show it yet",
            args.id, file.shown
        ))?;
    }
    if args.json {
        p.json(&Envelope::new("baton.task", &file.shown, view))?;
        return Ok(ExitCode::SUCCESS);
    }
    let key = |k: &str| printer::paint(printer::DIM, format!("{k:>10}"));
    p.line(format!(
        "{} {} {}",
        printer::checkbox(task.status),
        printer::paint(printer::BOLD, task.display_id()),
        task.title
    ))?;
    p.line(format!("{} {}:{}", key("at"), file.shown, view.line))?;
    p.line(format!(
        "{} {} {}",
        key("phase"),
        view.phase,
        view.phase_title
    ))?;
    p.line(format!("{} {}", key("status"), view.status))?;
    let state = match &view.claim {
        Some(c) if c.stale => format!(
            "claimed by {} since {}, stale (lease ran out {}): another session may take it",
            c.by,
            c.since,
            c.expires.as_deref().unwrap_or("earlier")
        ),
        Some(c) => format!("claimed by {} since {}", c.by, c.since),
        None if view.waiting_for.is_empty() => view.readiness.to_string(),
        None => format!("waiting for {}", view.waiting_for.join(", ")),
    };
    p.line(format!("{} {}", key("state"), state))?;
    let lists: [(&str, &Vec<String>); 7] = [
        ("labels", &view.labels),
        ("after", &view.after),
        ("blocks", &view.dependents),
        ("reads", &view.reads),
        ("verify", &view.verify),
        ("done when", &view.done_when),
        ("reqs", &view.requirements),
    ];
    if view.parallel {
        p.line(format!("{} marked parallel [P]", key("parallel")))?;
    }
    if !view.files.is_empty() {
        let source = if view.scope == "inferred" {
            " (inferred from the text)"
        } else {
            ""
        };
        p.line(format!(
            "{} {}{}",
            key("files"),
            view.files.join(", "),
            printer::paint(printer::DIM, source)
        ))?;
    }
    for (name, values) in lists {
        if !values.is_empty() {
            p.line(format!("{} {}", key(name), values.join(", ")))?;
        }
    }
    for (name, value) in [
        ("est", &view.estimate),
        ("agent", &view.agent),
        ("parent", &view.parent),
    ] {
        if let Some(value) = value {
            p.line(format!("{} {value}", key(name)))?;
        }
    }
    for item in &task.acceptance {
        p.line(format!(
            "{} {} {}",
            key("accept"),
            printer::checkbox(item.status),
            item.text
        ))?;
    }
    for note in &task.notes {
        p.line(format!("{} {note}", key("note")))?;
    }
    Ok(ExitCode::SUCCESS)
}
