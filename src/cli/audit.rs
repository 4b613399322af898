//! `baton audit`: a branch's real changes against its tasks' scopes (docs/audit.md). The
//! audit itself is [`crate::audit`]; this reads the options, shows the report, and exits 1
//! on findings.

use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::{CliError, Kind, code};
use super::printer::{BOLD, CYAN, DIM, GREEN, Printer, RED, paint};
use crate::audit::{self, AuditError, AuditInput, AuditReport, Code};
use crate::config::Config;
use crate::git::GitError;
use crate::ops::project::{Project, find_task, release_at_exit};
use crate::ops::views::Envelope;
use crate::state::Claim;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Compare against this commit, as given (default: where HEAD forked from the
    /// integration branch).
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Compare this commit instead of the working tree.
    #[arg(long, value_name = "REF")]
    head: Option<String>,
    /// Audit these tasks (default: the session's claimed tasks and the tasks ticked on
    /// this branch).
    #[arg(long = "task", value_name = "ID", num_args = 1..)]
    tasks: Vec<String>,
    /// The session whose work this is (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    session: Option<String>,
    /// Print as JSON (docs/json.md, schema `baton.audit`).
    #[arg(long)]
    json: bool,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    // Named as the plan is shown: relative to the current directory when found upwards.
    let config = Config::for_plan(std::path::Path::new(&file.shown)).map_err(|e| {
        CliError::input(e.to_string()).with_hint("docs/config.md lists every key of baton.toml")
    })?;
    let target = audit::Target {
        plan_path: &file.path,
        config: &config.audit,
        base: args.base.as_deref(),
        head: args.head.as_deref(),
    };
    let (changed, plan, claims) = if args.head.is_some() {
        // Two commits: the plan judged is the head's, which the audit reads; the working
        // plan is parsed only when the head has none.
        let changed = audit::read_changes(&target).map_err(error)?;
        let claims = live_claims(&file)?;
        let plan = match changed.plan_at_head() {
            Some(_) => None,
            None => Some(file.load()?.1),
        };
        (changed, plan, claims)
    } else {
        // Git's walks of the working tree (the slow part) run while the plan is parsed.
        let (changed, loaded) = std::thread::scope(|s| {
            let changed = s.spawn(|| audit::read_changes(&target));
            let loaded = file.load().map(|(_, plan)| plan);
            let changed = changed
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (changed, loaded)
        });
        // The plan's errors come first, as when nothing ran beside its reading.
        let plan = loaded?;
        let changed = changed.map_err(error)?;
        (changed, Some(plan), live_claims(&file)?)
    };
    let Some(judged) = plan.as_ref().or(changed.plan_at_head()) else {
        return Err(CliError::internal("audit: no plan was read"));
    };
    for id in &args.tasks {
        find_task(judged, &file, id)?;
    }
    let session = args
        .session
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let report = audit::judge(
        &changed,
        &AuditInput {
            plan_path: &file.path,
            plan: judged,
            config: &config.audit,
            base: args.base.as_deref(),
            head: args.head.as_deref(),
            tasks: &args.tasks,
            session,
            claims: &claims,
        },
    )
    .map_err(error)?;
    if let Some(plan) = plan {
        release_at_exit(plan);
    }
    // Holds the plans at the head and the base when it read them: left to the exit too.
    std::mem::forget(changed);
    if args.json {
        p.json(&Envelope::new(
            "baton.audit",
            &file.shown,
            View {
                policy: config.audit.policy.as_str(),
                clean: report.is_clean(),
                report: &report,
            },
        ))?;
    } else {
        human(p, &report)?;
    }
    Ok(ExitCode::from(if report.is_clean() {
        code::OK
    } else {
        code::FINDINGS
    }))
}

/// The live claims on the plan: only they reserve files; a stale one is anyone's to take.
fn live_claims(file: &Project) -> Result<Vec<Claim>, CliError> {
    let now = crate::state::now_rfc3339();
    Ok(file
        .claims()?
        .into_values()
        .filter(|c| c.is_live(&now))
        .collect())
}

#[derive(Serialize)]
struct View<'a> {
    policy: &'static str,
    clean: bool,
    #[serde(flatten)]
    report: &'a AuditReport,
}

fn short(hash: &str) -> &str {
    hash.get(..7).unwrap_or(hash)
}

fn human(p: &mut Printer, report: &AuditReport) -> Result<(), CliError> {
    let what = match (&report.head, &report.branch) {
        (Some(head), _) => short(head).to_string(),
        (None, Some(branch)) => format!("{branch} (working tree)"),
        (None, None) => "the working tree".to_string(),
    };
    p.line(format!(
        "{} {what} against {} ({}): {} changed",
        paint(BOLD, "audit:"),
        short(&report.base),
        report.base_from,
        plural(report.changed, "file")
    ))?;
    let tasks = if report.tasks.is_empty() {
        "none (no --task, nothing claimed by the session, nothing ticked since the base)"
            .to_string()
    } else {
        report
            .tasks
            .iter()
            .map(|t| {
                let why: Vec<&str> = t
                    .why
                    .iter()
                    .map(|w| match w {
                        audit::Reason::Given => "given",
                        audit::Reason::Claimed => "claimed",
                        audit::Reason::Ticked => "ticked",
                    })
                    .collect();
                format!("{} ({})", t.id, why.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    p.line(format!("{} {tasks}", paint(DIM, "tasks:")))?;
    // Three lines a finding, written at once: stdout flushes at every line, and a
    // thousand findings were three thousand writes.
    let mut block = Vec::with_capacity(report.findings.len() * 3);
    for f in &report.findings {
        block.push(format!(
            "{}: {}",
            paint(RED, format!("error[{}]", f.code.code())),
            paint(BOLD, &f.message)
        ));
        let from = f
            .from
            .as_ref()
            .map_or(String::new(), |from| format!(" from {from}"));
        block.push(format!(
            "  {} {} ({}{from})",
            paint(CYAN, "-->"),
            f.path,
            f.change.as_str()
        ));
        let hint = match f.code {
            Code::OutOfScope => {
                "add it to a task's `files:`, or leave the change to a task of its own".to_string()
            }
            Code::ClaimedElsewhere => match &f.claim {
                Some(h) => format!("leave it to {} ({}), or agree on it first", h.by, h.task),
                None => "leave it to the session that claimed it".to_string(),
            },
            Code::Deletion => "restore it, or scope the deletion in a task".to_string(),
            Code::HotSpot => "name it in the task's `files:` if the task needs it".to_string(),
        };
        block.push(format!("  {} {hint}", paint(CYAN, "= hint:")));
    }
    if !block.is_empty() {
        p.line(block.join("\n"))?;
    }
    if report.is_clean() {
        p.line(paint(
            GREEN,
            "clean: every change is within its tasks' scopes",
        ))?;
    } else {
        p.line(format!(
            "{} in {} changed",
            plural(report.findings.len(), "finding"),
            plural(report.changed, "file")
        ))?;
    }
    Ok(())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The audit's errors as the CLI's kinds.
fn error(err: AuditError) -> CliError {
    let message = err.to_string();
    match err {
        AuditError::Git(GitError::UnknownRef { .. }) => CliError::input(message)
            .with_hint("pass a branch, tag or commit that exists (`git branch -a` lists them)"),
        AuditError::Git(GitError::NotARepository { .. }) | AuditError::NotARepository { .. } => {
            CliError::input(message)
                .with_hint("run the audit inside the repository that holds the plan")
        }
        AuditError::Git(_) => CliError::new(Kind::Internal, message),
        AuditError::NoIntegrationBranch { .. }
        | AuditError::UnknownIntegrationBranch { .. }
        | AuditError::NoForkPoint { .. } => CliError::input(message)
            .with_hint("pass --base REF, or set `[audit] integration_branch` in baton.toml"),
        AuditError::UnknownTask { .. } => {
            CliError::input(message).with_hint("`baton list` shows every task and its id")
        }
        AuditError::Format { .. } => CliError::input(message),
    }
}
