//! `baton claim ID --by NAME` and `baton release ID`: one session per task, decided
//! atomically in the shared state database so that sessions in other worktrees see it.

use std::process::ExitCode;

use super::Globals;
use super::context::{PlanFile, find_task};
use super::error::{CliError, Kind};
use super::printer::{self, Printer};
use crate::graph::{self, Dag, Readiness};
use crate::plan::Plan;
use crate::state::{Claim, ClaimOutcome};

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

/// What a claim attempt found.
#[derive(Debug)]
pub enum Claimed {
    /// The claim is now this session's.
    New,
    /// This session held it already.
    AlreadyYours(Claim),
    /// Another session holds it.
    HeldBy(Claim),
}

/// Claims `id` of `plan` (as loaded from `file`) for `by` after checking it is ready
/// (unless `force`). Shared by `baton claim` and the MCP server; prints nothing.
pub fn claim_task(
    file: &PlanFile,
    plan: &Plan,
    id: &str,
    by: &str,
    force: bool,
) -> Result<Claimed, CliError> {
    let task = find_task(plan, file, id)?;
    let state = file.state()?;
    if !force {
        let owners = state
            .claims()?
            .into_iter()
            .map(|c| (c.task_id, c.owner))
            .collect();
        let readiness = graph::readiness(plan, &Dag::build(plan), &owners);
        let not_ready = |why: String| {
            CliError::new(Kind::Conflict, format!("{id} is not ready: {why}"))
                .with_hint("`baton next` lists ready tasks; --force claims anyway")
        };
        match &readiness[task.index] {
            Readiness::Closed => {
                return Err(CliError::new(
                    Kind::Conflict,
                    format!("{id} is already {}", task.status.as_str()),
                ));
            }
            Readiness::Waiting(deps) => {
                let ids: Vec<String> = deps.iter().map(|&d| plan.tasks[d].display_id()).collect();
                return Err(not_ready(format!("it waits for {}", ids.join(", "))));
            }
            Readiness::LaterPhase(current) => {
                return Err(not_ready(format!(
                    "phase {} \"{}\" is not finished",
                    current + 1,
                    plan.phases[*current].title
                )));
            }
            _ => {}
        }
    }
    Ok(match state.claim(id, by)? {
        ClaimOutcome::Claimed => {
            state.record(Some(id), "claim", Some(by), None)?;
            Claimed::New
        }
        ClaimOutcome::AlreadyYours(c) => Claimed::AlreadyYours(c),
        ClaimOutcome::HeldBy(c) => Claimed::HeldBy(c),
    })
}

/// The error for a task another session holds: it names the holder.
pub fn held_by(id: &str, claim: &Claim) -> CliError {
    CliError::new(
        Kind::Conflict,
        format!(
            "{id} is already claimed by {} (since {})",
            claim.owner, claim.claimed_at
        ),
    )
    .with_hint("pick another task with `baton next`")
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
    match claim_task(&file, &plan, &args.id, by, args.force)? {
        Claimed::New => {
            p.status(format!(
                "{} {} is claimed by {by}",
                printer::paint(printer::GREEN, "✓"),
                args.id
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Claimed::AlreadyYours(c) => {
            p.status(format!(
                "{} was already claimed by {by} (since {})",
                args.id, c.claimed_at
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Claimed::HeldBy(c) => Err(held_by(&args.id, &c)),
    }
}

/// What a release found.
#[derive(Debug)]
pub enum Released {
    /// Nobody held it.
    NotClaimed,
    /// Released; this session (or whoever) held it.
    Was(Claim),
}

/// Releases `id`; with `by` and without `force`, only if `by` holds it.
pub fn release_task(
    file: &PlanFile,
    id: &str,
    by: Option<&str>,
    force: bool,
) -> Result<Released, CliError> {
    let (_, plan) = file.load()?;
    find_task(&plan, file, id)?;
    let state = file.state()?;
    let Some(current) = state.claim_of(id)? else {
        return Ok(Released::NotClaimed);
    };
    if let Some(by) = by
        && !force
        && current.owner != by
    {
        return Err(CliError::new(
            Kind::Conflict,
            format!("{id} is claimed by {}, not {by}", current.owner),
        )
        .with_hint("--force releases it anyway"));
    }
    state.release(id)?;
    state.record(Some(id), "release", by, None)?;
    Ok(Released::Was(current))
}

pub fn release(p: &mut Printer, g: &Globals, args: &ReleaseArgs) -> Result<ExitCode, CliError> {
    let file = PlanFile::locate(g.plan.as_deref())?;
    match release_task(&file, &args.id, args.by.as_deref(), args.force)? {
        Released::NotClaimed => p.status(format!("{} was not claimed", args.id))?,
        Released::Was(c) => {
            p.status(format!("{} released (was claimed by {})", args.id, c.owner))?
        }
    }
    Ok(ExitCode::SUCCESS)
}
