//! `baton decide TEXT [--task ID]`: append a dated line to the plan's decisions log.

use std::process::ExitCode;

use super::Globals;
use super::context::{PlanFile, find_task};
use super::error::{CliError, Kind};
use super::printer::Printer;
use crate::plan::{edit, store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What was decided and why.
    #[arg(value_name = "TEXT", required = true, num_args = 1..)]
    text: Vec<String>,
    /// The task the decision is about.
    #[arg(long, value_name = "ID")]
    task: Option<String>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    // One decision is one line of the log.
    let text = args.text.join(" ").replace(['\r', '\n'], " ");
    let text = text.trim();
    if text.is_empty() {
        return Err(CliError::new(Kind::Usage, "the decision text is empty"));
    }
    let file = PlanFile::locate(g.plan.as_deref())?;
    let now = crate::state::now_rfc3339();
    let date = now.get(..10).unwrap_or(&now);
    let line = match &args.task {
        Some(id) => format!("{date} {id}: {text}"),
        None => format!("{date}: {text}"),
    };
    store::update(&file.path, |snap| {
        let plan = snap.plan();
        if let Some(id) = &args.task {
            find_task(plan, &file, id)?;
        }
        let append = edit::append_decision(plan, &line);
        check_reads_back(snap.bytes, plan, &append, &line)?;
        Ok::<_, CliError>((vec![append], ()))
    })?;
    p.status(format!("logged: {line}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the plan as it would be written and makes sure the decision is its last entry and
/// no task changed: a plan that ends inside an unclosed code block or HTML block would
/// swallow a new section, and then nothing is written.
fn check_reads_back(
    bytes: &[u8],
    before: &crate::plan::Plan,
    append: &edit::Edit,
    line: &str,
) -> Result<(), CliError> {
    let new = edit::apply(bytes, std::slice::from_ref(append))
        .map_err(|e| CliError::new(Kind::Internal, e.to_string()))?;
    let after = crate::plan::parse(&new);
    let logged = after
        .decisions
        .as_ref()
        .and_then(|log| log.entries.last())
        .map(|e| e.text.as_str());
    let same_tasks = after.tasks.len() == before.tasks.len()
        && after
            .tasks
            .iter()
            .zip(&before.tasks)
            .all(|(a, b)| a.id == b.id && a.status == b.status);
    if logged == Some(line) && same_tasks {
        return Ok(());
    }
    Err(CliError::input("the decision cannot be appended safely: the plan ends inside an unclosed block")
        .with_hint("close the code block or HTML comment at the end of the plan, or add a `## Decisions` section; nothing was written"))
}
