//! `baton status`: done/total per phase, the current phase, and who holds which task.

use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::CliError;
use super::printer::{self, Printer};
use crate::graph::{self, Readiness};
use crate::ops::Project;
use crate::ops::project::release_at_exit;
use crate::ops::views::{ClaimedTask, Envelope};
use crate::plan::Status;
use crate::state::RunStatus;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print as JSON (docs/json.md, schema `baton.status`).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct PhaseView {
    number: usize,
    title: String,
    /// The title as shown to people (`Phase 2: Features`, or `3. Cleanup`).
    #[serde(skip)]
    name: String,
    line: Option<u32>,
    total: usize,
    done: usize,
    skipped: usize,
    in_progress: usize,
    todo: usize,
    current: bool,
}

#[derive(Serialize)]
struct StatusView {
    title: Option<String>,
    /// 1-based number of the first phase with open tasks; null when all are closed.
    current_phase: Option<usize>,
    total: usize,
    done: usize,
    ready: usize,
    phases: Vec<PhaseView>,
    claimed: Vec<ClaimedTask>,
    /// Tasks ticked in another worktree that this worktree's plan file does not show yet
    /// (counted as done).
    ticked_elsewhere: Vec<String>,
    /// The live or last `baton run` of this plan (docs/json.md, run object); null when none ran.
    run: Option<RunStatus>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan, lagging) = file.load_shared()?;
    let (claims, readiness) = file.readiness(&plan)?;
    let current = graph::current_phase(&plan);
    let count = |tasks: &[usize], status: Status| {
        tasks
            .iter()
            .filter(|&&t| plan.tasks[t].status == status)
            .count()
    };
    let phases: Vec<PhaseView> = plan
        .phases
        .iter()
        .map(|phase| PhaseView {
            number: phase.index + 1,
            title: phase.title.clone(),
            name: super::list::phase_name(phase),
            line: phase.heading_span.map(|s| s.line),
            total: phase.tasks.len(),
            done: count(&phase.tasks, Status::Done),
            skipped: count(&phase.tasks, Status::Skipped),
            in_progress: count(&phase.tasks, Status::InProgress),
            todo: count(&phase.tasks, Status::Todo),
            current: current == Some(phase.index),
        })
        .collect();
    let claimed = ClaimedTask::all(&plan, &claims);
    let run = if file.has_state() {
        file.state()?.run_status(None)?
    } else {
        None
    };
    let view = StatusView {
        title: plan.title.clone(),
        current_phase: current.map(|c| c + 1),
        total: plan.tasks.len(),
        done: plan
            .tasks
            .iter()
            .filter(|t| t.status == Status::Done)
            .count(),
        ready: readiness.iter().filter(|r| **r == Readiness::Ready).count(),
        phases,
        claimed,
        ticked_elsewhere: lagging.clone(),
        run,
    };
    if args.json {
        p.json(&Envelope::new("baton.status", &file.shown, view))?;
        release_at_exit(plan);
        return Ok(ExitCode::SUCCESS);
    }
    let heading = view.title.clone().unwrap_or_else(|| file.shown.clone());
    p.line(format!(
        "{} {}",
        printer::paint(printer::BOLD, heading),
        printer::paint(printer::DIM, format!("({})", file.shown))
    ))?;
    let width = view
        .phases
        .iter()
        .map(|ph| ph.name.chars().count())
        .max()
        .unwrap_or(0);
    for ph in &view.phases {
        let closed = ph.done + ph.skipped;
        let (mark, style) = if closed == ph.total {
            ("✓", printer::GREEN)
        } else if ph.current {
            ("▸", printer::YELLOW)
        } else {
            (" ", printer::DIM)
        };
        let progress = format!("{closed}/{}", ph.total);
        let note = if ph.current {
            printer::paint(printer::YELLOW, "  current")
        } else {
            String::new()
        };
        p.line(format!(
            "  {} {:<width$}  {:>7}{}",
            printer::paint(style, mark),
            ph.name,
            progress,
            note,
        ))?;
    }
    let pct = (view.done * 100).checked_div(view.total).unwrap_or(100);
    p.line(format!(
        "{} of {} tasks done ({pct}%) · {} ready · {} claimed",
        view.done,
        view.total,
        view.ready,
        view.claimed.len()
    ))?;
    if !view.claimed.is_empty() {
        p.line("Claimed:")?;
        for c in &view.claimed {
            p.line(format!(
                "  {:<8} {:<14} {}  {}",
                c.id,
                printer::paint(printer::MAGENTA, &c.claim.by),
                printer::paint(
                    printer::DIM,
                    if c.claim.stale {
                        format!("since {}, stale", c.claim.since)
                    } else {
                        format!("since {}", c.claim.since)
                    }
                ),
                c.title
            ))?;
        }
    }
    if let Some(run) = &view.run {
        run_lines(p, run)?;
    }
    lag_note(p, &file, &lagging)?;
    release_at_exit(plan);
    Ok(ExitCode::SUCCESS)
}

/// `1m05s`, `2h03m`, `42s`.
pub fn elapsed(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// A run: one heading line, one line per session.
fn run_lines(p: &mut Printer, run: &RunStatus) -> Result<(), CliError> {
    let style = match run.state.as_str() {
        "running" => printer::YELLOW,
        "finished" if run.outcome.as_deref() == Some("success") => printer::GREEN,
        _ => printer::RED,
    };
    let state = match (&run.state[..], &run.outcome, &run.driven_from) {
        ("finished", Some(outcome), _) => format!("finished ({outcome})"),
        ("running", _, Some(from)) => format!(
            "running on {} (heard from {} s ago)",
            from.host, from.heard_seconds_ago
        ),
        (state, _, _) => state.to_string(),
    };
    p.line(format!(
        "Run {} · phase {} · {} · {}  {}",
        run.run,
        run.phase,
        printer::paint(style, state),
        elapsed(run.elapsed_seconds),
        printer::paint(
            printer::DIM,
            format!("(agent {}, into {})", run.agent, run.integration)
        )
    ))?;
    let tasks_width = run
        .sessions
        .iter()
        .map(|s| s.tasks.join(" ").chars().count())
        .max()
        .unwrap_or(0);
    for s in &run.sessions {
        let style = match s.state.as_str() {
            "merged" | "gated" => printer::GREEN,
            "blocked" | "failed" => printer::RED,
            _ => printer::YELLOW,
        };
        // Why it failed or is blocked; else, while its agent works, its latest tool call.
        let live = (s.state == "running")
            .then(|| s.activity.as_ref()?.last_tool.as_deref())
            .flatten();
        let why = s
            .why
            .as_deref()
            .or(live)
            .map(|w| format!("  {}", printer::paint(printer::DIM, w)))
            .unwrap_or_default();
        p.line(format!(
            "  {:<10} {:<tasks_width$}  attempt {}  {}  {:>6}{why}",
            s.session,
            s.tasks.join(" "),
            s.attempt,
            printer::paint(style, format!("{:<7}", s.state)),
            elapsed(s.elapsed_seconds),
        ))?;
    }
    Ok(())
}

/// Says when this worktree's plan file lags the shared state: tasks ticked in another
/// worktree, counted as done here, not merged into this plan file yet.
pub fn lag_note(p: &mut Printer, file: &Project, lagging: &[String]) -> Result<(), CliError> {
    if lagging.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = lagging.iter().take(10).map(String::as_str).collect();
    let more = if lagging.len() > 10 {
        format!(" and {} more", lagging.len() - 10)
    } else {
        String::new()
    };
    p.hint(format!(
        "{} lags: {}{more} ticked in another worktree (counted as done here)",
        file.shown,
        shown.join(", ")
    ))?;
    Ok(())
}
