//! `baton add TITLE [--phase P] [--files GLOB]… [--after ID]… [--verify CMD]…
//! [--discovered-from ID]`: the add use case ([`crate::ops::add`]), shown. The new id goes to
//! stdout (or the whole task with `--json`); what happened, to stderr.

use std::process::ExitCode;

use super::Globals;
use super::error::CliError;
use super::printer::Printer;
use crate::ops::Project;
use crate::ops::add::{AddRequest, add_task};
use crate::ops::views::Envelope;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The task goes after the last task of its phase, with the next id of the \
plan's scheme; nothing else in the plan changes. A task that would add a lint finding (an \
unknown --after id, a dependency on a later phase) is refused with exit 3. See docs/add.md."
)]
pub struct Args {
    /// The task's title.
    #[arg(value_name = "TITLE", required = true, num_args = 1..)]
    title: Vec<String>,
    /// The phase, by number or name (default: the phase of --discovered-from's task, else the
    /// current phase).
    #[arg(long, value_name = "PHASE")]
    phase: Option<String>,
    /// A glob of files the task may write (repeatable).
    #[arg(long = "files", value_name = "GLOB")]
    files: Vec<String>,
    /// A task it waits for (repeatable).
    #[arg(long, value_name = "ID")]
    after: Vec<String>,
    /// A command that proves it works (repeatable; written to the plan, not run).
    #[arg(long, value_name = "CMD")]
    verify: Vec<String>,
    /// The task whose work turned this one up (recorded as `discovered-from: ID`).
    #[arg(long, value_name = "ID")]
    discovered_from: Option<String>,
    /// Who files it, for the history (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    by: Option<String>,
    /// Print the new task as JSON (docs/add.md, schema `baton.add`).
    #[arg(long)]
    json: bool,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let request = AddRequest {
        title: args.title.join(" "),
        phase: args.phase.clone(),
        files: args.files.clone(),
        after: args.after.clone(),
        verify: args.verify.clone(),
        discovered_from: args.discovered_from.clone(),
        by: args.by.clone(),
    };
    let added = add_task(&file, &request)?;
    if args.json {
        p.json(&Envelope::new("baton.add", &file.shown, &added))?;
    } else {
        p.line(&added.id)?;
    }
    p.status(format!(
        "added {} to phase {} \"{}\" ({}:{})",
        added.id, added.phase, added.phase_title, file.shown, added.line
    ))?;
    if let Some(why) = &added.bookkeeping_failed {
        p.status(format!(
            "warning: the plan was updated, but the history was not: {why}"
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
