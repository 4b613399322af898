//! `baton claim ID --by NAME` and `baton release ID`: the claim use cases, shown.

use std::process::ExitCode;
use std::time::Duration;

use super::Globals;
use super::error::{CliError, Kind};
use super::printer::{self, Printer};
use crate::ops::Project;
use crate::ops::claim::{
    ClaimRequest, Claimed, DEFAULT_TTL, Released, claim_fast, claim_task, held_by, release_task,
    renew,
};
use crate::ops::project::release_at_exit;

#[derive(Debug, clap::Args)]
pub struct ClaimArgs {
    /// The task id (optional with --renew: then every task the session holds).
    #[arg(required_unless_present = "renew")]
    id: Option<String>,
    /// The session claiming it (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    by: Option<String>,
    /// Claim even if the task is not ready (dependencies open, or a later phase) or its files
    /// overlap another live claim's.
    #[arg(long)]
    force: bool,
    /// How long the claim holds unless renewed: `90s`, `45m`, `2h` (default 2h). After it
    /// the claim is stale and another session may take the task.
    #[arg(long, value_name = "DURATION", value_parser = parse_ttl)]
    ttl: Option<Duration>,
    /// Renew this session's lease (on ID, or on every task it holds) instead of claiming.
    #[arg(long)]
    renew: bool,
}

fn parse_ttl(text: &str) -> Result<Duration, String> {
    crate::state::parse_duration(text)
        .ok_or_else(|| format!("`{text}` is not a duration; write e.g. 90s, 45m, 2h or 1h30m"))
}

#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// The task id.
    id: String,
    /// Only release if this session holds it (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    by: Option<String>,
    /// Release it even if another session holds it.
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
    let file = Project::locate(g.plan.as_deref())?;
    let ttl = args.ttl.unwrap_or(DEFAULT_TTL);
    if args.renew {
        let renewed = renew(&file, by, args.id.as_deref(), ttl)?;
        if renewed.is_empty() {
            let what = args
                .id
                .as_deref()
                .map_or("any task".to_string(), str::to_string);
            return Err(CliError::new(
                Kind::Conflict,
                format!("{by} holds no claim on {what}; nothing to renew"),
            )
            .with_hint("`baton status` shows who holds what; claim the task first"));
        }
        let until = renewed[0].expires_at.clone().unwrap_or_default();
        let ids: Vec<&str> = renewed.iter().map(|c| c.task_id.as_str()).collect();
        p.status(format!(
            "{} renewed {by}'s claim on {} until {until}",
            printer::paint(printer::GREEN, "✓"),
            ids.join(", ")
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let id = args.id.as_deref().unwrap_or_default();
    let request = ClaimRequest {
        id,
        by,
        force: args.force,
        ttl,
    };
    // The readiness index answers a plain claim without parsing the plan; anything it cannot
    // vouch for (and every refusal) takes the full path.
    let fast = if args.force {
        None
    } else {
        claim_fast(&file, request)?
    };
    let claimed = match fast {
        Some(claimed) => claimed,
        None => {
            let (_, plan, _) = file.load_shared()?;
            let claimed = claim_task(&file, &plan, request)?;
            release_at_exit(plan);
            claimed
        }
    };
    match claimed {
        Claimed::New => {
            p.status(format!(
                "{} {id} is claimed by {by}",
                printer::paint(printer::GREEN, "✓"),
            ))?;
        }
        Claimed::TakenOver(was) => {
            p.status(format!(
                "{} {id} is claimed by {by}, taken over from {}, whose lease ran out {}",
                printer::paint(printer::GREEN, "✓"),
                was.owner,
                was.expires_at.as_deref().unwrap_or("earlier")
            ))?;
        }
        Claimed::AlreadyYours(c) => {
            p.status(format!(
                "{id} was already claimed by {by} (since {}); lease renewed",
                c.claimed_at
            ))?;
        }
        Claimed::HeldBy(c) => return Err(held_by(id, &c)),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn release(p: &mut Printer, g: &Globals, args: &ReleaseArgs) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    match release_task(&file, &args.id, args.by.as_deref(), args.force)? {
        Released::NotClaimed => p.status(format!("{} was not claimed", args.id))?,
        Released::Was(c) => {
            p.status(format!("{} released (was claimed by {})", args.id, c.owner))?
        }
    }
    Ok(ExitCode::SUCCESS)
}
