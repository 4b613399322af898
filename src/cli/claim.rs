//! `baton claim ID --by NAME` and `baton release ID`: one session per task, decided
//! atomically in the shared state database so that sessions in other worktrees see it.

use std::process::ExitCode;

use super::Globals;
use super::context::{PlanFile, find_task};
use super::error::{CliError, Kind};
use super::printer::{self, Printer};
use crate::graph::{self, Dag, Readiness};
use crate::state::ClaimOutcome;

#[derive(Debug, clap::Args)]
pub struct ClaimArgs {
    /// The task id.
    id: String,
    /// The session claiming it (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    by: Option<String>,
    /// Claim even if the task is not ready (dependencies open, or a later phase).
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// The task id.
    id: String,
    /// Only release if this session holds it (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    by: Option<String>,
    /// Release whoever holds it.
    #[arg(long)]
    force: bool,
}

pub fn claim(p: &mut Printer, g: &Globals, args: &ClaimArgs) -> Result<ExitCode, CliError> {
    let Some(by) = args.by.as_deref().map(str::trim).filter(|b| !b.is_empty()) else {
        return Err(
            CliError::new(Kind::Usage, "who is claiming? pass --by NAME")
                .with_hint("or set BATON_SESSION for the session"),
        );
    };
    let file = PlanFile::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    let task = find_task(&plan, &file, &args.id)?;
    let state = file.state()?;
    if !args.force {
        let owners = state
            .claims()?
            .into_iter()
            .map(|c| (c.task_id, c.owner))
            .collect();
        let readiness = graph::readiness(&plan, &Dag::build(&plan), &owners);
        let refuse = |why: String| {
            Err(CliError::new(
                Kind::Conflict,
                format!("{} is not ready: {why}", args.id),
            ))
        };
        match &readiness[task.index] {
            Readiness::Closed => {
                return Err(CliError::new(
                    Kind::Conflict,
                    format!("{} is already {}", args.id, task.status.as_str()),
                ));
            }
            Readiness::Waiting(deps) => {
                let ids: Vec<String> = deps.iter().map(|&d| plan.tasks[d].display_id()).collect();
                return refuse(format!("it waits for {}", ids.join(", "))).map_err(
                    |e: CliError| {
                        e.with_hint("`baton next` lists ready tasks; --force claims anyway")
                    },
                );
            }
            Readiness::LaterPhase(current) => {
                return refuse(format!(
                    "phase {} \"{}\" is not finished",
                    current + 1,
                    plan.phases[*current].title
                ))
                .map_err(|e: CliError| {
                    e.with_hint("`baton next` lists ready tasks; --force claims anyway")
                });
            }
            _ => {}
        }
    }
    match state.claim(&args.id, by)? {
        ClaimOutcome::Claimed => {
            state.record(Some(&args.id), "claim", Some(by), None)?;
            p.status(format!(
                "{} {} is claimed by {by}",
                printer::paint(printer::GREEN, "✓"),
                args.id
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        ClaimOutcome::AlreadyYours(c) => {
            p.status(format!(
                "{} was already claimed by {by} (since {})",
                args.id, c.claimed_at
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        ClaimOutcome::HeldBy(c) => Err(CliError::new(
            Kind::Conflict,
            format!(
                "{} is already claimed by {} (since {})",
                args.id, c.owner, c.claimed_at
            ),
        )
        .with_hint("pick another task with `baton next`")),
    }
}

pub fn release(p: &mut Printer, g: &Globals, args: &ReleaseArgs) -> Result<ExitCode, CliError> {
    let file = PlanFile::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    find_task(&plan, &file, &args.id)?;
    let state = file.state()?;
    let Some(current) = state.claim_of(&args.id)? else {
        p.status(format!("{} was not claimed", args.id))?;
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(by) = args.by.as_deref()
        && !args.force
        && current.owner != by
    {
        return Err(CliError::new(
            Kind::Conflict,
            format!("{} is claimed by {}, not {by}", args.id, current.owner),
        )
        .with_hint("--force releases it anyway"));
    }
    state.release(&args.id)?;
    state.record(Some(&args.id), "release", args.by.as_deref(), None)?;
    p.status(format!(
        "{} released (was claimed by {})",
        args.id, current.owner
    ))?;
    Ok(ExitCode::SUCCESS)
}
