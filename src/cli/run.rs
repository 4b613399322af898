//! `baton run`: one phase run by agent sessions, each in a worktree of its own, gated and
//! merged back ([`crate::run`], docs/run.md). This file turns arguments into a request and
//! each event into a status line ([`describe`]); [`super::run_view`] shows them: a live block
//! on a terminal, status lines on stderr otherwise, or one JSON object per line on stdout
//! under `--json`.

use std::process::ExitCode;

use super::Globals;
use super::error::{CliError, Kind, code};
use super::printer::Printer;
use crate::ops::Project;
use crate::process::{Supervisor, signals};
use crate::run::budget::Budget;
use crate::run::{self, Event, Request, UnitKind, engine::DEFAULT_RETRIES};

/// What one session is given, as `--unit` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum UnitArg {
    /// A lane of the schedule, split by `--session-budget` when it does not fit one session.
    Lane,
    /// One task: it starts as soon as the tasks it depends on are merged.
    Task,
}

/// Where the agents run, as `--executor` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExecutorArg {
    /// Child processes of baton, on this machine.
    Local,
    /// Slurm batch jobs (`sbatch`); the repository must be on a path every node sees.
    Slurm,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The phase to run (its number, as `baton status` shows); default: the current one.
    #[arg(long, value_name = "N")]
    phase: Option<u32>,
    /// Every phase from the current one, each once the one before passed `verify --phase`.
    #[arg(long, conflicts_with = "phase")]
    all: bool,
    /// Sessions to run at once, at most (default: the number `baton analyze` recommends).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    sessions: Option<u32>,
    /// What one session is given: a lane (split by the session budget) or a single task.
    #[arg(long, value_name = "KIND", value_enum, default_value_t = UnitArg::Lane)]
    unit: UnitArg,
    /// What one session may hold: hours of `est` (`4h`, `90min`) or tokens of prompt and
    /// scope (`200k`); a longer lane is split at task boundaries (default: 4h).
    #[arg(long, value_name = "B", value_parser = parse_budget)]
    session_budget: Option<Budget>,
    /// The agent to start, `[agents.NAME]` in baton.toml (default: the only one defined).
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
    /// Fresh attempts a session gets after failing the gate.
    #[arg(long, value_name = "K", default_value_t = DEFAULT_RETRIES)]
    retries: u32,
    /// Keep the worktrees of merged sessions.
    #[arg(long)]
    keep: bool,
    /// Where the agents run: `local` processes or `slurm` batch jobs (default: `[run]
    /// executor` in baton.toml, else local; docs/run.md "Executors").
    #[arg(long, value_name = "NAME", value_enum)]
    executor: Option<ExecutorArg>,
    /// Print the schedule and each session's exact argv; start nothing.
    #[arg(long)]
    dry_run: bool,
    /// Events as JSON lines on stdout (docs/run.md).
    #[arg(long)]
    json: bool,
    /// Continue an interrupted run (default: the last unfinished one): nothing finished is
    /// done again.
    #[arg(
        long,
        value_name = "RUN",
        num_args = 0..=1,
        conflicts_with_all = [
            "phase", "sessions", "agent", "retries", "keep", "dry_run", "all", "unit",
            "session_budget", "executor"
        ]
    )]
    resume: Option<Option<i64>>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let req = Request {
        phase: args.phase,
        sessions: args.sessions,
        agent: args.agent.clone(),
        retries: args.retries,
        keep: args.keep,
        unit: match args.unit {
            UnitArg::Lane => UnitKind::Lane,
            UnitArg::Task => UnitKind::Task,
        },
        budget: args.session_budget,
        all: args.all,
        executor: args.executor.map(|e| match e {
            ExecutorArg::Local => crate::config::ExecutorKind::Local,
            ExecutorArg::Slurm => crate::config::ExecutorKind::Slurm,
        }),
    };
    let resumed = match args.resume {
        Some(wanted) => Some(run::plan_resume(&file, wanted)?),
        None => None,
    };
    let planned = match &resumed {
        Some(r) => r.planned.clone(),
        None => run::plan_run(&file, &req)?,
    };
    if args.dry_run {
        return dry_run(p, &planned, &req, args.json);
    }
    let supervisor = Supervisor::global();
    signals::cancel_on_signals(supervisor)
        .map_err(|e| CliError::new(Kind::Internal, format!("cannot watch for Ctrl-C: {e}")))?;
    let mut view = super::run_view::View::new(args.json, &planned.plan_rel);
    let outcome = {
        let mut sink = |event: &Event| view.event(p, event);
        match resumed {
            Some(r) => run::resume(&file, r, supervisor, &mut sink)?,
            None => run::run(&file, &planned, &req, supervisor, &mut sink)?,
        }
    };
    view.finish()?;
    if let Some(why) = outcome.interrupted {
        return Err(CliError::from(why).with_hint(format!(
            "run {} stopped; its worktrees are kept under {}; `baton run --resume` continues it",
            outcome.run,
            outcome.dir.display()
        )));
    }
    Ok(ExitCode::from(if !outcome.blocked.is_empty() {
        code::FINDINGS
    } else if !outcome.phase_passed {
        code::CONFLICT
    } else {
        code::OK
    }))
}

fn parse_budget(text: &str) -> Result<Budget, String> {
    text.parse()
        .map_err(|e: run::budget::BudgetError| e.to_string())
}

fn dry_run(
    p: &mut Printer,
    planned: &run::Planned,
    req: &Request,
    json: bool,
) -> Result<ExitCode, CliError> {
    let after = |i: usize| -> Vec<&str> {
        planned.units[i]
            .after
            .iter()
            .map(|&j| planned.units[j].session.as_str())
            .collect()
    };
    if json {
        let sessions: Vec<serde_json::Value> = (0..planned.units.len())
            .map(|i| {
                let (argv, env) = planned.command(i, 1);
                serde_json::json!({
                    "session": planned.units[i].session,
                    "tasks": planned.units[i].tasks,
                    "after": after(i),
                    "branch": planned.branch(i, 1),
                    "worktree": planned.worktree(i, 1),
                    "argv": argv,
                    "env": env.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
                })
            })
            .collect();
        p.json(&serde_json::json!({
            "run": planned.run,
            "phase": planned.phase + 1,
            "all": req.all,
            "integration": planned.integration,
            "agent": planned.agent_name,
            "max_sessions": planned.sessions,
            "unit": match req.unit { UnitKind::Lane => "lane", UnitKind::Task => "task" },
            "session_budget": req.budget().to_string(),
            "sessions": sessions,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    p.line(format!(
        "run {} (dry run): phase {} \"{}\", {} session(s) of agent `{}`, {} at once, from and into {}",
        planned.run,
        planned.phase + 1,
        planned.phase_title,
        planned.units.len(),
        planned.agent_name,
        planned.sessions,
        planned.integration
    ))?;
    match req.unit {
        UnitKind::Lane => p.line(format!(
            "a session per lane, lanes split to fit a session budget of {}",
            req.budget()
        ))?,
        UnitKind::Task => p.line("a session per task")?,
    }
    for i in 0..planned.units.len() {
        let (argv, _) = planned.command(i, 1);
        let unit = &planned.units[i];
        p.line(format!("{}: {}", unit.session, unit.tasks.join(" ")))?;
        let after = after(i);
        if !after.is_empty() {
            p.line(format!("  after    {}", after.join(" ")))?;
        }
        p.line(format!("  branch   {}", planned.branch(i, 1)))?;
        p.line(format!("  worktree {}", planned.worktree(i, 1).display()))?;
        let quoted: Vec<String> = argv
            .iter()
            .map(|a| crate::agents::git_merge::shell_quote(a))
            .collect();
        p.line(format!("  argv     {}", quoted.join(" ")))?;
    }
    if req.all {
        p.line("later phases are laid out when they start, after this one's check passes")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One status line for an event.
pub(super) fn describe(event: &Event) -> String {
    match event {
        Event::RunStarted {
            run,
            phase,
            integration,
            agent,
            sessions,
        } => format!(
            "run {run}: phase {phase}, {sessions} session(s) of `{agent}` from {integration}"
        ),
        Event::RunResumed {
            run,
            phase,
            merged,
            merge,
            gate,
            start,
            stopped,
        } => {
            let mut text = format!("run {run}: resumed, phase {phase}");
            for (what, list) in [
                ("merged before", merged),
                ("to merge", merge),
                ("to gate", gate),
                ("to start", start),
            ] {
                if !list.is_empty() {
                    text.push_str(&format!("; {what}: {}", list.join(" ")));
                }
            }
            if !stopped.is_empty() {
                let pids: Vec<String> = stopped.iter().map(u32::to_string).collect();
                text.push_str(&format!(
                    "; stopped left-over agent(s): pid {}",
                    pids.join(" ")
                ));
            }
            text
        }
        Event::SessionStarted {
            session,
            attempt,
            tasks,
            pid,
            ..
        } => format!(
            "{session}: started (attempt {attempt}, pid {pid}): {}",
            tasks.join(" ")
        ),
        Event::SessionExited {
            session,
            exit,
            seconds,
            ..
        } => format!("{session}: agent {exit} after {seconds:.1}s"),
        Event::GatePassed { session, .. } => format!("{session}: gate passed"),
        Event::GateFailed {
            session, evidence, ..
        } => {
            let mut text = format!("{session}: gate failed");
            for line in evidence {
                text.push_str("\n  ");
                text.push_str(&line.replace('\n', "\n    "));
            }
            text
        }
        Event::Retry { session, attempt } => format!("{session}: retry (attempt {attempt})"),
        Event::Blocked {
            session,
            tasks,
            reason,
        } => format!("{session}: blocked {}: {reason}", tasks.join(" ")),
        Event::Merged {
            session, branch, ..
        } => format!("{session}: merged {branch}"),
        Event::Conflict {
            session,
            branch,
            files,
        } => format!(
            "{session}: {branch} conflicts in {}; the merge was aborted and the branch kept",
            files.join(", ")
        ),
        Event::PhaseVerified {
            phase,
            passed,
            unfinished,
        } => {
            if *passed {
                format!("phase {phase}: verified")
            } else {
                format!("phase {phase}: not verified: {}", unfinished.join(", "))
            }
        }
        Event::RunFinished {
            run,
            outcome,
            merged,
            blocked,
            totals,
        } => {
            let blocked = if blocked.is_empty() {
                String::new()
            } else {
                format!(", blocked: {}", blocked.join(" "))
            };
            let totals = totals.as_ref().map_or(String::new(), |t| {
                format!(
                    "; {}",
                    super::run_view::activity_text(t.tool_calls, t.tokens, t.cost_usd)
                )
            });
            format!("run {run}: {outcome} ({merged} merged{blocked}{totals})")
        }
        Event::SessionActivity {
            session,
            last_tool,
            tool_calls,
            tokens,
            cost_usd,
            ..
        } => {
            let last = last_tool
                .as_deref()
                .map_or(String::new(), |t| format!("; last: {t}"));
            format!(
                "{session}: {}{last}",
                super::run_view::activity_text(*tool_calls, *tokens, *cost_usd)
            )
        }
    }
}
