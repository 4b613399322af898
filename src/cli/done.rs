//! `baton done ID…` and `baton undo ID…`: the tick use case ([`crate::ops::tick`]), shown.

use std::process::ExitCode;

use super::Globals;
use super::error::CliError;
use super::printer::{self, Printer};
use crate::ops::Project;
use crate::ops::tick::{TickOptions, set_status};
use crate::plan::Status;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task ids.
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    /// Who did it, for the history (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    by: Option<String>,
    /// Tick although another session holds the task or its dependencies are open.
    #[arg(long)]
    force: bool,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args, to: Status) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let outcome = set_status(
        &file,
        &args.ids,
        to,
        &TickOptions {
            by: args.by.as_deref(),
            force: args.force,
        },
    )?;
    let verb = if to == Status::Done { "done" } else { "todo" };
    for id in &outcome.changed {
        p.status(format!(
            "{} {id} is {verb}",
            printer::paint(printer::GREEN, "✓")
        ))?;
    }
    for id in &outcome.unchanged {
        p.status(format!("{id} was already {verb}"))?;
    }
    for (id, open) in &outcome.waiting {
        let verb = if open.len() == 1 { "is" } else { "are" };
        p.hint(format!(
            "{id} depends on {}, which {verb} not done yet",
            open.join(", ")
        ))?;
    }
    if let Some(why) = &outcome.bookkeeping_failed {
        p.status(format!(
            "warning: the plan was updated, but claims were not: {why}"
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
