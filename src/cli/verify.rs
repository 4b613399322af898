//! `baton verify`: the clean-context check that decides whether a phase is really finished.
//! Runs every task's evidence, reports a verdict per task grouped by phase, and exits with a
//! code CI and agent hooks can act on (docs/verify.md, docs/exit-codes.md).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use super::Globals;
use super::context::{PlanFile, find_task};
use super::error::{CliError, Kind, code};
use super::printer::{self, BOLD, CYAN, DIM, GREEN, Printer, RED, YELLOW};
use super::views::Envelope;
use crate::plan::{Plan, Status, edit, store};
use crate::verify::{self, TaskReport, Verdict, exec, lock};

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
}

/// Bytes of each command's output kept for the report.
pub(super) const TAIL_BYTES: usize = 4096;
/// Lines of a failing command's output shown in the human report.
const TAIL_LINES: usize = 12;

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = PlanFile::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    let base = file.dir();
    let repo_root =
        crate::repo::discover(&file.path).map_or_else(|| base.clone(), |r| r.worktree_root);
    let options = verify::Options {
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        timeout: Duration::from_secs(args.timeout.max(1)),
        tail_bytes: TAIL_BYTES,
        repo_root,
        base: base.clone(),
        plan_file: Some(file.path.clone()),
    };
    let lock_path = lock::LockFile::path_for(&file.path);
    let changes = match lock::LockFile::load(&lock_path) {
        Ok(Some(lockfile)) => {
            let key = lock::LockFile::plan_key(&lock_path, &file.path);
            lockfile.changes(&key, &plan)
        }
        Ok(None) => Vec::new(),
        Err(err) => {
            return Err(CliError::input(err.to_string()).with_hint(
                "fix or delete the lock file, then `baton lock` to record the criteria again",
            ));
        }
    };

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

    // Which tasks: as asked, or the first phase that is not fully verified.
    let (scope, reports) = if !args.task.is_empty() {
        let mut tasks = Vec::new();
        for id in &args.task {
            let t = find_task(&plan, &file, id)?.index;
            if !tasks.contains(&t) {
                tasks.push(t);
            }
        }
        let reports = verify::verify_tasks(&plan, &tasks, &changes, &options, &mut on_command);
        ("tasks".to_string(), reports)
    } else if args.all {
        let tasks: Vec<usize> = (0..plan.tasks.len()).collect();
        let reports = verify::verify_tasks(&plan, &tasks, &changes, &options, &mut on_command);
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
        let reports = verify::verify_tasks(
            &plan,
            &plan.phases[phase].tasks,
            &changes,
            &options,
            &mut on_command,
        );
        (format!("phase {number}"), reports)
    } else {
        let mut all = Vec::new();
        let mut scope = "all phases verified".to_string();
        for phase in &plan.phases {
            let reports =
                verify::verify_tasks(&plan, &phase.tasks, &changes, &options, &mut on_command);
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
    Ok(ExitCode::from(exit_code(&reports, args.trust_unverifiable)))
}

/// How a command ended, for people: `passed`, `exited 101`, `killed by SIGSEGV`, ….
fn outcome_word(outcome: &exec::Outcome) -> String {
    match outcome {
        exec::Outcome::Passed => "passed".to_string(),
        exec::Outcome::Failed { code } => format!("exited {code}"),
        exec::Outcome::Signaled { signal } => match exec::signal_name(*signal) {
            Some(name) => format!("killed by {name}"),
            None => format!("killed by signal {signal}"),
        },
        exec::Outcome::TimedOut => "timed out (killed with everything it started)".to_string(),
        exec::Outcome::SpawnFailed(why) => format!("could not start: {why}"),
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
    file: &PlanFile,
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
            r.verdict = if *to == Status::Done {
                Verdict::Verified
            } else {
                Verdict::Incomplete
            };
        }
    }
    Ok(done)
}

fn verdict_style(v: Verdict) -> (anstyle::Style, &'static str) {
    match v {
        Verdict::Verified => (GREEN, "✓"),
        Verdict::Skipped => (DIM, "-"),
        Verdict::Unverifiable => (YELLOW, "?"),
        Verdict::Incomplete | Verdict::DoneUnticked => (YELLOW, "○"),
        Verdict::FalseDone | Verdict::Tampered => (RED, "✗"),
    }
}

fn report(
    p: &mut Printer,
    file: &PlanFile,
    plan: &Plan,
    scope: &str,
    reports: &[TaskReport],
    changes: &[lock::Change],
    fixed: &[(String, Status)],
) -> Result<(), CliError> {
    let mut phase = usize::MAX;
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
            let verified = in_phase
                .iter()
                .filter(|x| x.verdict == Verdict::Verified)
                .count();
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
            printer::paint(style, format!("{:<13}", r.verdict.as_str())),
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
                printer::paint(RED, "✗ tampered    ")
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
    Ok(())
}

/// What failed (or, for an open task, what is missing), one line each.
pub(super) fn evidence_lines(r: &TaskReport, status: Status) -> Vec<String> {
    let mut lines = Vec::new();
    let show_all = status != Status::Done || r.verdict == Verdict::FalseDone;
    for c in &r.commands {
        if c.outcome.is_success() {
            continue;
        }
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
    for path in &r.paths {
        if !path.passed() {
            let what = if path.glob {
                "matches no file"
            } else {
                "does not exist"
            };
            lines.push(format!(
                "{} `{}` {what}",
                printer::paint(CYAN, "files"),
                path.pattern
            ));
        }
    }
    if show_all && r.acceptance.0 < r.acceptance.1 {
        lines.push(format!(
            "{} {} of {} acceptance items ticked",
            printer::paint(CYAN, "acceptance"),
            r.acceptance.0,
            r.acceptance.1
        ));
    }
    if status == Status::Done
        && let Some(git) = &r.git
        && !git.touched()
    {
        let since = git
            .since
            .as_ref()
            .map_or(String::new(), |s| format!(" since the phase began ({s})"));
        lines.push(printer::paint(
            YELLOW,
            format!("git: no commit{since} and no uncommitted edit touched its files"),
        ));
    }
    if r.verdict == Verdict::Unverifiable {
        lines.push(printer::paint(
            DIM,
            "ticked with no evidence defined: trusted, not verified",
        ));
    }
    lines
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
}

#[derive(Serialize)]
struct GitView {
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
                        git: r.git.as_ref().map(|g| GitView {
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
        let failures = cases
            .iter()
            .filter(|r| {
                matches!(
                    r.verdict,
                    Verdict::FalseDone
                        | Verdict::Tampered
                        | Verdict::Incomplete
                        | Verdict::DoneUnticked
                )
            })
            .count();
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
            match r.verdict {
                Verdict::Verified => out.push_str("/>\n"),
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
