//! `baton verify`: the clean-context check that decides whether a phase is really finished.
//! Runs every task's evidence, reports a verdict per task grouped by phase, and exits with a
//! code CI and agent hooks can act on (docs/verify.md, docs/exit-codes.md).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use super::Globals;
use super::error::{CliError, Kind, code};
use super::printer::{self, BOLD, CYAN, DIM, GREEN, Printer, RED, YELLOW};
use crate::ops::project::{Project, find_task};
use crate::ops::views::Envelope;
use crate::ops::views::outcome_word;
use crate::plan::{Plan, Status, edit, store};
use crate::process::{Supervisor, signals};
use crate::verify::{self, Finding, Layer, TaskReport, Verdict, Weight, exec, lock};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Verify this phase (its number, as `baton status` shows).
    #[arg(long, value_name = "P", conflicts_with_all = ["task", "all"])]
    phase: Option<usize>,
    /// Verify these tasks.
    #[arg(long, value_name = "ID", num_args = 1.., conflicts_with = "all")]
    task: Vec<String>,
    /// Verify every task of the plan.
    #[arg(long)]
    all: bool,
    /// With --task: the session whose other claims are not "another session's" in the scope
    /// audit (default: $BATON_SESSION).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION", requires = "task")]
    session: Option<String>,
    /// Run at most this many verify commands at once (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "J")]
    jobs: Option<usize>,
    /// Kill a verify command (and everything it started) after this many seconds.
    #[arg(long, value_name = "S", default_value_t = 600)]
    timeout: u64,
    /// Count ticked tasks without any evidence as finished (they are still reported).
    #[arg(long)]
    trust_unverifiable: bool,
    /// Tick and untick boxes to match the evidence.
    #[arg(long)]
    fix: bool,
    /// Print as JSON (docs/verify.md, schema `baton.verify`).
    #[arg(long, conflicts_with = "junit")]
    json: bool,
    /// Also write a JUnit XML report to FILE, for CI systems.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Print one task's full reasoning, layer by layer: everything each layer looked at,
    /// what it found, and the rule that decided the verdict.
    #[arg(
        long,
        value_name = "ID",
        conflicts_with_all = ["phase", "task", "all", "fix", "json", "junit"]
    )]
    explain: Option<String>,
}

/// Bytes of each command's output kept for the report.
pub(super) const TAIL_BYTES: usize = 4096;
/// Lines of a failing command's output shown in the human report.
const TAIL_LINES: usize = 12;

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    // From here on Ctrl-C and SIGTERM stop the verify commands instead of orphaning them;
    // `interrupted` turns that into exit 130 or 143 before anything is written.
    let supervisor = Supervisor::global();
    signals::cancel_on_signals(supervisor)
        .map_err(|e| CliError::new(Kind::Internal, format!("cannot watch for Ctrl-C: {e}")))?;
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    // Typed by a person: the plan's own commands run, as make runs a Makefile, except one
    // that differs from the lock (see `verify::trust`).
    let options = file.verify_options(
        args.jobs,
        Duration::from_secs(args.timeout.max(1)),
        TAIL_BYTES,
        crate::ops::project::Asker::Person,
    );
    let changes = file.lock_changes(&plan)?;

    // One bar per batch of commands (a phase, or the tasks asked for), shown only on a
    // terminal and never under --json.
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut on_command = |done: usize, total: usize, result: &exec::CommandResult| {
        if done == 1 {
            bar = p.progress(total as u64, !args.json);
            if let Some(b) = &bar {
                b.set_prefix("verify");
            }
        }
        if let Some(b) = &bar {
            b.set_position(done as u64);
            b.set_message(format!(
                "{} {}",
                outcome_word(&result.outcome),
                result.command
            ));
            if done == total {
                b.finish_and_clear();
            }
        }
    };

    // One verifier for the whole run: the file listing, the code index and the history are
    // read at most once, however many phases are verified.
    let mut verifier = verify::Verifier::new(&plan, &changes, &options);

    if let Some(id) = &args.explain {
        let t = find_task(&plan, &file, id)?.index;
        let reports = verifier.run(&[t], &mut on_command);
        interrupted(supervisor)?;
        explain(p, &file, &plan, &reports[0])?;
        return Ok(ExitCode::from(exit_code(&reports, args.trust_unverifiable)));
    }

    // Which tasks: as asked, or the first phase that is not fully verified.
    let (scope, reports) = if !args.task.is_empty() {
        let mut tasks = Vec::new();
        for id in &args.task {
            let t = find_task(&plan, &file, id)?.index;
            if !tasks.contains(&t) {
                tasks.push(t);
            }
        }
        let reports = verifier.run(&tasks, &mut on_command);
        ("tasks".to_string(), reports)
    } else if args.all {
        let tasks: Vec<usize> = (0..plan.tasks.len()).collect();
        let reports = verifier.run(&tasks, &mut on_command);
        ("all".to_string(), reports)
    } else if let Some(number) = args.phase {
        let phase = number
            .checked_sub(1)
            .filter(|&k| k < plan.phases.len())
            .ok_or_else(|| {
                CliError::input(format!(
                    "no phase {number} in {} (it has {})",
                    file.shown,
                    plan.phases.len()
                ))
                .with_hint("`baton status` lists the phases with their numbers")
            })?;
        let reports = verifier.run(&plan.phases[phase].tasks, &mut on_command);
        (format!("phase {number}"), reports)
    } else {
        let mut all = Vec::new();
        let mut scope = "all phases verified".to_string();
        for phase in &plan.phases {
            let reports = verifier.run(&phase.tasks, &mut on_command);
            interrupted(supervisor)?;
            let finished = reports
                .iter()
                .all(|r| r.verdict.is_finished(args.trust_unverifiable));
            all.extend(reports);
            if !finished {
                scope = format!("phase {}", phase.index + 1);
                break;
            }
        }
        (scope, all)
    };
    let mut reports = reports;
    // Commands cut short prove nothing: no verdict is printed and no box is touched.
    interrupted(supervisor)?;

    let mut fixed: Vec<(String, Status)> = Vec::new();
    if args.fix {
        fixed = fix(&file, &plan, &mut reports)?;
    }

    if args.json {
        p.json(&Envelope::new(
            "baton.verify",
            &file.shown,
            VerifyView::new(&plan, &scope, &reports, &changes, &fixed),
        ))?;
    } else {
        report(p, &file, &plan, &scope, &reports, &changes, &fixed)?;
    }
    if let Some(path) = &args.junit {
        std::fs::write(path, junit(&plan, &file.shown, &reports)).map_err(|e| {
            CliError::new(Kind::Input, format!("cannot write {}: {e}", path.display()))
        })?;
    }
    // `--task`: the scope audit of those tasks' changes, as `[audit] policy` says.
    let mut audit_blocks = false;
    if !args.task.is_empty() {
        let session = args.session.as_deref().filter(|s| !s.trim().is_empty());
        if let Some(gate) = crate::ops::audit::gate(&file, &plan, &args.task, session)? {
            let lines = gate.lines();
            if !lines.is_empty() {
                p.status(format!(
                    "audit ([audit] policy = \"{}\"): {} change{} outside the tasks' scope",
                    gate.policy.as_str(),
                    lines.len(),
                    if lines.len() == 1 { "" } else { "s" }
                ))?;
                for line in &lines {
                    p.status(format!("  {line}"))?;
                }
            }
            audit_blocks = gate.blocks();
        }
    }
    // A signal that came once every command had finished stopped nothing, but it still
    // asked baton to stop: say so in the exit code.
    if let Some(why) = supervisor.cancellation() {
        return Err(
            CliError::from(why).with_hint("the signal came after the report above was complete")
        );
    }
    let code = exit_code(&reports, args.trust_unverifiable);
    if audit_blocks && code == code::OK {
        return Ok(ExitCode::from(code::FINDINGS));
    }
    Ok(ExitCode::from(code))
}

/// Exit 130 or 143 once a signal cancelled the supervisor (docs/exit-codes.md), before
/// anything is reported or written.
fn interrupted(supervisor: &Supervisor) -> Result<(), CliError> {
    match supervisor.cancellation() {
        Some(why) => {
            Err(CliError::from(why)
                .with_hint("no verdict was reached and the plan was left as it was"))
        }
        None => Ok(()),
    }
}

/// Tampered wins over false-done, which wins over anything else unfinished.
pub fn exit_code(reports: &[TaskReport], trust_unverifiable: bool) -> u8 {
    if reports.iter().any(|r| r.verdict == Verdict::Tampered) {
        code::TAMPERED
    } else if reports.iter().any(|r| r.verdict == Verdict::FalseDone) {
        code::FALSE_DONE
    } else if reports
        .iter()
        .all(|r| r.verdict.is_finished(trust_unverifiable))
    {
        code::OK
    } else {
        code::FINDINGS
    }
}

/// Ticks done-unticked tasks and unticks false-done ones in one locked, atomic write.
fn fix(
    file: &Project,
    plan: &Plan,
    reports: &mut [TaskReport],
) -> Result<Vec<(String, Status)>, CliError> {
    // Tasks are found again in the fresh snapshot by id, or by line when they have none.
    let wanted: Vec<(Option<String>, u32, Status)> = reports
        .iter()
        .filter_map(|r| {
            let task = &plan.tasks[r.task];
            let to = match r.verdict {
                Verdict::FalseDone => Status::Todo,
                Verdict::DoneUnticked => Status::Done,
                _ => return None,
            };
            Some((task.id.clone(), task.line_span.line, to))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let updated = store::update(&file.path, |snap| {
        let fresh = snap.plan();
        let mut edits = Vec::new();
        let mut done = Vec::new();
        for (id, line, to) in &wanted {
            let task = match id {
                Some(id) => fresh.task(id),
                None => fresh.tasks.iter().find(|t| t.line_span.line == *line),
            };
            let Some(task) = task else { continue };
            if let Some(e) = edit::set_status(fresh, task, *to) {
                edits.push(e);
                done.push((task.display_id(), *to));
            }
        }
        Ok::<_, CliError>((edits, done))
    })?;
    let done = updated.into_value();
    for r in reports.iter_mut() {
        let id = plan.tasks[r.task].display_id();
        if let Some((_, to)) = done.iter().find(|(d, _)| *d == id) {
            r.verdict = verify::verdict(*to, r);
        }
    }
    Ok(done)
}

fn verdict_style(v: Verdict) -> (anstyle::Style, &'static str) {
    match v {
        Verdict::Verified => (GREEN, "✓"),
        Verdict::VerifiedWithWarnings => (YELLOW, "✓"),
        Verdict::Skipped => (DIM, "-"),
        Verdict::Unverifiable => (YELLOW, "?"),
        Verdict::Incomplete | Verdict::DoneUnticked => (YELLOW, "○"),
        Verdict::FalseDone | Verdict::Tampered => (RED, "✗"),
    }
}

fn report(
    p: &mut Printer,
    file: &Project,
    plan: &Plan,
    scope: &str,
    reports: &[TaskReport],
    changes: &[lock::Change],
    fixed: &[(String, Status)],
) -> Result<(), CliError> {
    let mut phase = usize::MAX;
    // Verdicts in one column: as wide as the longest shown.
    let width = reports
        .iter()
        .map(|r| r.verdict.as_str().len())
        .max()
        .unwrap_or(0)
        .max(13);
    let mut order: Vec<&TaskReport> = reports.iter().collect();
    order.sort_by_key(|r| (plan.tasks[r.task].phase, r.verdict, r.task));
    for r in order {
        let task = &plan.tasks[r.task];
        if task.phase != phase {
            phase = task.phase;
            let in_phase: Vec<&TaskReport> = reports
                .iter()
                .filter(|x| plan.tasks[x.task].phase == phase)
                .collect();
            let verified = in_phase.iter().filter(|x| x.verdict.is_verified()).count();
            p.line(format!(
                "{}  {}",
                printer::paint(BOLD, &plan.phases[phase].title),
                printer::paint(DIM, format!("{verified}/{} verified", in_phase.len()))
            ))?;
        }
        let (style, mark) = verdict_style(r.verdict);
        p.line(format!(
            "  {} {} {}  {}",
            printer::paint(style, mark),
            printer::paint(style, format!("{:<width$}", r.verdict.as_str())),
            printer::paint(BOLD, task.display_id()),
            task.title
        ))?;
        for line in evidence_lines(r, task.status) {
            p.line(format!("      {line}"))?;
        }
        if let Some(change) = &r.tamper {
            for line in tamper_lines(change) {
                p.line(format!("      {line}"))?;
            }
        }
    }
    for change in verify::tampering(changes) {
        if let lock::Change::Removed { id, .. } = change {
            p.line(format!(
                "  {} task {id} was locked but is gone from the plan",
                printer::paint(RED, format!("✗ {:<width$}", "tampered"))
            ))?;
        }
    }
    for (id, to) in fixed {
        let verb = if *to == Status::Done {
            "ticked"
        } else {
            "unticked"
        };
        p.status(format!("fixed: {verb} {id} in {}", file.shown))?;
    }
    let count = |v: Verdict| reports.iter().filter(|r| r.verdict == v).count();
    let mut parts = Vec::new();
    for v in [
        Verdict::Verified,
        Verdict::VerifiedWithWarnings,
        Verdict::FalseDone,
        Verdict::Tampered,
        Verdict::DoneUnticked,
        Verdict::Incomplete,
        Verdict::Unverifiable,
        Verdict::Skipped,
    ] {
        let n = count(v);
        if n > 0 {
            parts.push(format!("{n} {}", v.as_str()));
        }
    }
    p.status(format!(
        "{}: {scope}: {}",
        file.shown,
        if parts.is_empty() {
            "no tasks".to_string()
        } else {
            parts.join(", ")
        }
    ))?;
    if count(Verdict::Unverifiable) > 0 {
        p.hint("unverifiable tasks are ticked with no evidence: add `verify:` commands, `files:` or acceptance checkboxes")?;
    }
    if count(Verdict::FalseDone) + count(Verdict::DoneUnticked) > 0 && fixed.is_empty() {
        p.hint("`baton verify --fix` ticks and unticks boxes to match the evidence")?;
    }
    if count(Verdict::VerifiedWithWarnings) + count(Verdict::FalseDone) > 0 {
        p.hint("`baton verify --explain ID` prints one task's full reasoning, layer by layer")?;
    }
    Ok(())
}

/// The word before a finding in the report: `files` for the declared scope (as it has always
/// read), else the layer.
fn label(f: &Finding) -> &'static str {
    match f.layer {
        Layer::Commands => "verify",
        Layer::Acceptance => "acceptance",
        Layer::Paths if f.check.starts_with("declared") => "files",
        Layer::Paths => "paths",
        Layer::Identifiers => "identifier",
        Layer::Wiring => "wiring",
        Layer::Stubs => "stub",
        Layer::History => "git",
    }
}

/// A failing command's line and the tail of its output.
fn command_lines(c: &exec::CommandResult, lines: &mut Vec<String>) {
    // Sub-second timings would only add noise (and make reports differ run to run).
    let took = if c.duration >= Duration::from_secs(1) {
        format!(" after {:.1} s", c.duration.as_secs_f64())
    } else {
        String::new()
    };
    lines.push(format!(
        "{} `{}` {}{took}",
        printer::paint(CYAN, "verify"),
        c.command,
        outcome_word(&c.outcome),
    ));
    let tail: Vec<&str> = c.tail.lines().collect();
    let start = tail.len().saturating_sub(TAIL_LINES);
    if start > 0 || c.dropped_bytes > 0 {
        lines.push(printer::paint(DIM, "  | …"));
    }
    for l in &tail[start..] {
        lines.push(printer::paint(DIM, format!("  | {l}")));
    }
}

/// What failed (or, for an open task, what is missing) and what deserves a look, one line
/// each: failing commands with their output, hard findings, open acceptance items, then
/// warnings.
pub(super) fn evidence_lines(r: &TaskReport, status: Status) -> Vec<String> {
    let mut lines = Vec::new();
    let show_all = status != Status::Done || r.verdict == Verdict::FalseDone;
    for c in &r.commands {
        if !c.outcome.is_success() {
            command_lines(c, &mut lines);
        }
    }
    let shown = |f: &&Finding| !matches!(f.layer, Layer::Commands | Layer::Acceptance);
    for f in r.hard().filter(shown) {
        lines.push(format!("{} {}", printer::paint(CYAN, label(f)), f.message));
    }
    if show_all && r.acceptance.0 < r.acceptance.1 {
        lines.push(format!(
            "{} {} of {} acceptance items ticked",
            printer::paint(CYAN, "acceptance"),
            r.acceptance.0,
            r.acceptance.1
        ));
    }
    for f in r.warnings().filter(shown) {
        lines.push(format!(
            "{} {}",
            printer::paint(YELLOW, format!("{} warning:", label(f))),
            f.message
        ));
    }
    if r.verdict == Verdict::Unverifiable {
        lines.push(printer::paint(
            DIM,
            if r.has_evidence() {
                "ticked with no positive evidence: trusted, not verified"
            } else {
                "ticked with no evidence defined: trusted, not verified"
            },
        ));
    }
    lines
}

/// `baton verify --explain ID`: everything every layer looked at and found for one task,
/// and the rule that decided its verdict.
fn explain(p: &mut Printer, file: &Project, plan: &Plan, r: &TaskReport) -> Result<(), CliError> {
    let task = &plan.tasks[r.task];
    let (style, mark) = verdict_style(r.verdict);
    p.line(format!(
        "{} {}",
        printer::paint(BOLD, task.display_id()),
        task.title
    ))?;
    p.line(format!(
        "  {}:{}, {}, box {}",
        file.shown,
        task.line_span.line,
        plan.phases[task.phase].title,
        task.status.as_str()
    ))?;
    p.line(format!(
        "  scope: {}",
        match task.scope_source {
            crate::plan::ScopeSource::Declared => format!("declared ({})", task.files.join(", ")),
            crate::plan::ScopeSource::Inferred =>
                format!("named in the text ({})", task.files.join(", ")),
            crate::plan::ScopeSource::None => "none".to_string(),
        }
    ))?;
    p.line(format!(
        "{} {}",
        printer::paint(style, format!("{mark} {}", r.verdict.as_str())),
        r.reason(task.status)
    ))?;
    if let Some(change) = &r.tamper {
        for line in tamper_lines(change) {
            p.line(format!("  {line}"))?;
        }
    }
    for layer in Layer::ALL {
        let found: Vec<&Finding> = r.findings.iter().filter(|f| f.layer == layer).collect();
        p.line("")?;
        p.line(printer::paint(BOLD, layer.as_str()))?;
        if found.is_empty() {
            p.line(printer::paint(
                DIM,
                format!("  · {}", nothing_found(layer, task, r)),
            ))?;
            continue;
        }
        for f in found {
            let (style, mark) = match f.weight {
                Weight::Hard => (RED, "✗"),
                Weight::Warning => (YELLOW, "!"),
                Weight::Positive => (GREEN, "✓"),
                Weight::Note => (DIM, "·"),
            };
            p.line(format!(
                "  {} {} {}",
                printer::paint(style, mark),
                printer::paint(DIM, format!("{:<8}", f.weight.as_str())),
                f.message
            ))?;
            if layer == Layer::Commands
                && let Some(c) = r.commands.iter().find(|c| c.command == f.subject)
                && !c.outcome.is_success()
            {
                let mut lines = Vec::new();
                command_lines(c, &mut lines);
                for line in lines.iter().skip(1) {
                    p.line(format!("             {line}"))?;
                }
            }
        }
    }
    Ok(())
}

/// Why a layer has nothing to say about a task.
fn nothing_found(layer: Layer, task: &crate::plan::Task, r: &TaskReport) -> &'static str {
    match layer {
        Layer::Commands => "no `verify:` commands",
        Layer::Acceptance => "no acceptance checkboxes",
        Layer::Paths => "the task declares no `files:` and its text names no path",
        Layer::Identifiers
            if task.title.contains('`') || task.notes.iter().any(|n| n.contains('`')) =>
        {
            "no backticked span of the task is a code identifier"
        }
        Layer::Identifiers => "the task names no identifier in backticks",
        Layer::Wiring => "no definition the task names or implements to follow",
        Layer::Stubs => "no stub or TODO in what the task names or in its files",
        Layer::History
            if r.findings
                .iter()
                .any(|f| f.layer == Layer::Paths && f.weight.judges()) =>
        {
            "outside a git repository, or no plan history to compare with"
        }
        Layer::History => "no files to follow in the history",
    }
}

pub(super) fn tamper_lines(change: &lock::Change) -> Vec<String> {
    let mut lines = Vec::new();
    if let lock::Change::Changed { before, after, .. } = change {
        lines.push(format!(
            "{} acceptance criteria changed since `baton lock`:",
            printer::paint(CYAN, "lock")
        ));
        for ((name, old), (_, new)) in before.sections().into_iter().zip(after.sections()) {
            for item in old.iter().filter(|i| !new.contains(i)) {
                lines.push(printer::paint(RED, format!("  - {name}: {item}")));
            }
            for item in new.iter().filter(|i| !old.contains(i)) {
                lines.push(printer::paint(GREEN, format!("  + {name}: {item}")));
            }
        }
    }
    lines
}

// ---- JSON (`baton.verify`) -------------------------------------------------------------

#[derive(Serialize)]
struct VerifyView {
    scope: String,
    summary: std::collections::BTreeMap<&'static str, usize>,
    tasks: Vec<TaskVerdictView>,
    removed_from_plan: Vec<String>,
    fixed: Vec<FixView>,
}

#[derive(Serialize)]
struct FixView {
    id: String,
    status: &'static str,
}

#[derive(Serialize)]
struct TaskVerdictView {
    id: String,
    title: String,
    phase: usize,
    line: u32,
    status: &'static str,
    verdict: &'static str,
    commands: Vec<CommandView>,
    paths: Vec<PathView>,
    acceptance: AcceptanceCount,
    tamper: Option<TamperView>,
    git: Option<GitView>,
    /// Every finding of every layer (docs/verify.md, "Findings").
    evidence: Vec<FindingView>,
}

#[derive(Serialize)]
struct FindingView {
    layer: &'static str,
    /// `hard`, `warning`, `positive`, `note`.
    weight: &'static str,
    check: &'static str,
    subject: String,
    message: String,
    file: Option<String>,
    line: Option<u32>,
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> FindingView {
        FindingView {
            layer: f.layer.as_str(),
            weight: f.weight.as_str(),
            check: f.check,
            subject: f.subject.clone(),
            message: f.message.clone(),
            file: f.file.clone(),
            line: f.line,
        }
    }
}

#[derive(Serialize)]
struct GitView {
    /// `task` (the commit that added the task's line) or `phase` (its phase's heading).
    anchor: Option<&'static str>,
    since: Option<String>,
    commits: usize,
    latest: Option<String>,
    uncommitted: bool,
}

#[derive(Serialize)]
struct CommandView {
    command: String,
    /// `passed`, `failed`, `signaled`, `timed-out`, `spawn-failed`.
    outcome: &'static str,
    code: Option<i32>,
    signal: Option<i32>,
    seconds: f64,
    tail: String,
    dropped_bytes: u64,
}

#[derive(Serialize)]
struct PathView {
    pattern: String,
    glob: bool,
    matches: usize,
    /// `exists` (the usual), `gone` (the task removes it) or `mention` (not evidence).
    expect: &'static str,
    /// Why it is a mention, for `mention`.
    mention: Option<String>,
}

#[derive(Serialize)]
struct AcceptanceCount {
    ticked: usize,
    total: usize,
}

#[derive(Serialize)]
struct TamperView {
    before: lock::Criteria,
    after: Option<lock::Criteria>,
}

impl VerifyView {
    fn new(
        plan: &Plan,
        scope: &str,
        reports: &[TaskReport],
        changes: &[lock::Change],
        fixed: &[(String, Status)],
    ) -> VerifyView {
        let mut summary = std::collections::BTreeMap::new();
        for r in reports {
            *summary.entry(r.verdict.as_str()).or_insert(0) += 1;
        }
        VerifyView {
            scope: scope.to_string(),
            summary,
            tasks: reports
                .iter()
                .map(|r| {
                    let task = &plan.tasks[r.task];
                    TaskVerdictView {
                        id: task.display_id(),
                        title: task.title.clone(),
                        phase: task.phase + 1,
                        line: task.line_span.line,
                        status: task.status.as_str(),
                        verdict: r.verdict.as_str(),
                        commands: r.commands.iter().map(CommandView::from).collect(),
                        paths: r
                            .paths
                            .iter()
                            .map(|p| PathView {
                                pattern: p.pattern.clone(),
                                glob: p.glob,
                                matches: p.matches,
                                expect: if p.mention.is_some() {
                                    "mention"
                                } else if p.removes {
                                    "gone"
                                } else {
                                    "exists"
                                },
                                mention: p.mention.clone(),
                            })
                            .collect(),
                        acceptance: AcceptanceCount {
                            ticked: r.acceptance.0,
                            total: r.acceptance.1,
                        },
                        tamper: r.tamper.as_ref().and_then(|c| match c {
                            lock::Change::Changed { before, after, .. } => Some(TamperView {
                                before: before.clone(),
                                after: Some(after.clone()),
                            }),
                            lock::Change::Removed { before, .. } => Some(TamperView {
                                before: before.clone(),
                                after: None,
                            }),
                            lock::Change::Unlocked { .. } => None,
                        }),
                        evidence: r.findings.iter().map(FindingView::from).collect(),
                        git: r.git.as_ref().map(|g| GitView {
                            anchor: g.anchor.map(verify::git::Anchor::as_str),
                            since: g.since.clone(),
                            commits: g.commits,
                            latest: g.latest.clone(),
                            uncommitted: g.uncommitted,
                        }),
                    }
                })
                .collect(),
            removed_from_plan: verify::tampering(changes)
                .filter(|c| matches!(c, lock::Change::Removed { .. }))
                .map(|c| c.id().to_string())
                .collect(),
            fixed: fixed
                .iter()
                .map(|(id, s)| FixView {
                    id: id.clone(),
                    status: s.as_str(),
                })
                .collect(),
        }
    }
}

impl From<&exec::CommandResult> for CommandView {
    fn from(c: &exec::CommandResult) -> CommandView {
        let (outcome, code, signal) = match &c.outcome {
            exec::Outcome::Passed => ("passed", Some(0), None),
            exec::Outcome::Failed { code } => ("failed", Some(*code), None),
            exec::Outcome::Signaled { signal } => ("signaled", None, Some(*signal)),
            exec::Outcome::TimedOut => ("timed-out", None, None),
            exec::Outcome::Cancelled => ("cancelled", None, None),
            exec::Outcome::SpawnFailed(_) => ("spawn-failed", None, None),
        };
        CommandView {
            command: c.command.clone(),
            outcome,
            code,
            signal,
            seconds: (c.duration.as_secs_f64() * 1000.0).round() / 1000.0,
            tail: c.tail.clone(),
            dropped_bytes: c.dropped_bytes,
        }
    }
}

// ---- JUnit ------------------------------------------------------------------------------

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters at all.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One test suite per phase, one test case per task; failures carry the evidence.
fn junit(plan: &Plan, shown: &str, reports: &[TaskReport]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"baton verify\">\n",
    );
    let mut phases: Vec<usize> = reports.iter().map(|r| plan.tasks[r.task].phase).collect();
    phases.sort_unstable();
    phases.dedup();
    for phase in phases {
        let cases: Vec<&TaskReport> = reports
            .iter()
            .filter(|r| plan.tasks[r.task].phase == phase)
            .collect();
        let failures = cases.iter().filter(|r| r.verdict.needs_work()).count();
        let skipped = cases
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Skipped | Verdict::Unverifiable))
            .count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n",
            xml(&plan.phases[phase].title),
            cases.len()
        ));
        for r in cases {
            let task = &plan.tasks[r.task];
            let seconds: f64 = r.commands.iter().map(|c| c.duration.as_secs_f64()).sum();
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{seconds:.3}\"",
                xml(shown),
                xml(&format!("{} {}", task.display_id(), task.title))
            ));
            let body: Vec<String> = evidence_lines(r, task.status)
                .into_iter()
                .chain(r.tamper.iter().flat_map(tamper_lines))
                .map(|l| anstream::adapter::strip_str(&l).to_string())
                .collect();
            let warnings: Vec<&Finding> = r.warnings().collect();
            match r.verdict {
                Verdict::Verified => out.push_str("/>\n"),
                Verdict::VerifiedWithWarnings => {
                    // Passed, with the warnings as properties (one per finding) and as
                    // output, which CI systems show beside a passing test.
                    out.push_str(">\n      <properties>\n");
                    out.push_str(&format!(
                        "        <property name=\"verdict\" value=\"{}\"/>\n",
                        r.verdict.as_str()
                    ));
                    for f in &warnings {
                        out.push_str(&format!(
                            "        <property name=\"warning.{}.{}\" value=\"{}\"/>\n",
                            f.layer.as_str(),
                            f.check,
                            xml(&f.message)
                        ));
                    }
                    out.push_str("      </properties>\n");
                    out.push_str(&format!(
                        "      <system-out>{}</system-out>\n    </testcase>\n",
                        xml(&body.join("\n"))
                    ));
                }
                Verdict::Skipped | Verdict::Unverifiable => out.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    r.verdict.as_str()
                )),
                v => out.push_str(&format!(
                    ">\n      <failure type=\"{0}\" message=\"{0}\">{1}</failure>\n    </testcase>\n",
                    v.as_str(),
                    xml(&body.join("\n"))
                )),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
