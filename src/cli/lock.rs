//! `baton lock`: record what every task promises, so that a later weakening — a verify
//! command turned into `true`, an acceptance item deleted — is reported with its before and
//! after text instead of passing silently. Changes are only accepted on purpose, with
//! `--update`; a lock that cannot be read is never overwritten by accident.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::{CliError, Kind, code};
use super::printer::{self, Printer};
use crate::ops::project::Project;
use crate::ops::views::Envelope;
use crate::plan::Plan;
use crate::verify::lock::{
    self, Change, Criteria, DiffLine, LockError, LockFile, Unlockable, UnlockableReason,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accept changed or removed criteria: rewrite the lock from the plan as it is now
    /// (also replaces a lock file that cannot be read).
    #[arg(long, conflicts_with = "check")]
    update: bool,
    /// Write nothing: exit 0 if the lock matches the plan, 1 if criteria changed, 3 if there
    /// is no lock.
    #[arg(long)]
    check: bool,
    /// Print as JSON (docs/json.md, schema `baton.lock`).
    #[arg(long)]
    json: bool,
}

/// What the command did, for messages and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// No lock for this plan before: every task's criteria were recorded.
    Created,
    /// The lock matches the plan (new tasks aside, under `--check`).
    Unchanged,
    /// Only new tasks: they were added to the lock.
    Extended,
    /// Criteria changed; nothing was written.
    Changed,
    /// `--update` accepted changed criteria.
    Updated,
    /// `--update` replaced a lock file that could not be read.
    Replaced,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Unchanged => "unchanged",
            Outcome::Extended => "extended",
            Outcome::Changed => "changed",
            Outcome::Updated => "updated",
            Outcome::Replaced => "replaced",
        }
    }
}

#[derive(Serialize)]
struct LockView {
    /// The lock file, relative to the current directory like `plan`.
    lock: String,
    /// The key of this plan inside the lock.
    key: String,
    outcome: &'static str,
    written: bool,
    /// Tasks of this plan in the lock after the command.
    locked: usize,
    changes: Vec<ChangeView>,
    unlockable: Vec<UnlockableView>,
}

/// One change, shaped for JSON; shared with `baton verify`.
#[derive(Serialize)]
pub(crate) struct ChangeView {
    pub id: String,
    /// `changed`, `removed` or `unlocked`.
    pub kind: &'static str,
    /// The task's line now; null for a removed task.
    pub line: Option<u32>,
    /// The locked criteria; null for a task that was never locked.
    pub before: Option<CriteriaView>,
    /// The criteria now; null for a removed task.
    pub after: Option<CriteriaView>,
}

#[derive(Serialize)]
pub(crate) struct CriteriaView {
    pub title: String,
    pub verify: Vec<String>,
    pub acceptance: Vec<String>,
    pub done_when: Vec<String>,
    pub hash: String,
}

impl From<&Criteria> for CriteriaView {
    fn from(c: &Criteria) -> CriteriaView {
        CriteriaView {
            title: c.title.clone(),
            verify: c.verify.clone(),
            acceptance: c.acceptance.clone(),
            done_when: c.done_when.clone(),
            hash: c.hash(),
        }
    }
}

impl ChangeView {
    pub(crate) fn new(plan: &Plan, change: &Change) -> ChangeView {
        let task = plan.task(change.id());
        let (before, after) = match change {
            Change::Changed { before, after, .. } => (Some(before.into()), Some(after.into())),
            Change::Removed { before, .. } => (Some(before.into()), None),
            Change::Unlocked { .. } => (None, task.map(|t| (&Criteria::of(t)).into())),
        };
        ChangeView {
            id: change.id().to_string(),
            kind: change.kind(),
            line: task.map(|t| t.line_span.line),
            before,
            after,
        }
    }
}

#[derive(Serialize)]
struct UnlockableView {
    id: Option<String>,
    title: String,
    line: u32,
    /// `no-id` or `duplicate-id`.
    reason: &'static str,
}

impl From<&Unlockable> for UnlockableView {
    fn from(u: &Unlockable) -> UnlockableView {
        UnlockableView {
            id: u.id.clone(),
            title: u.title.clone(),
            line: u.line,
            reason: match u.reason {
                UnlockableReason::NoId => "no-id",
                UnlockableReason::DuplicateId => "duplicate-id",
            },
        }
    }
}

/// For callers that only need the error as is (`baton verify`): unreadable or untrusted
/// content is bad input, a failed write is an environment problem worth a hint.
impl From<LockError> for CliError {
    fn from(err: LockError) -> CliError {
        lock_error(&err, None)
    }
}

/// Maps a lock error to the CLI's kinds, naming the file as the user sees it.
fn lock_error(err: &LockError, shown: Option<&str>) -> CliError {
    let name = |path: &Path| shown.map_or_else(|| path.display().to_string(), str::to_string);
    match err {
        LockError::Read { path, source } => {
            CliError::input(format!("cannot read {}: {source}", name(path)))
        }
        LockError::Malformed {
            path,
            line,
            column,
            message,
        } => CliError::input(format!(
            "{}:{line}:{column}: malformed lock file: {message}",
            name(path)
        ))
        .with_hint(
            "fix it or restore it from git; `baton lock --update` replaces it with the plan's \
             criteria as they are now. It was left as it was",
        ),
        LockError::Version { path, found } => CliError::input(format!(
            "{}: lock file version {found}; this baton reads version {}",
            name(path),
            lock::LOCK_VERSION
        ))
        .with_hint(
            "use the baton that wrote it, or replace it with `baton lock --update`. It was left \
             as it was",
        ),
        LockError::HashMismatch { path, plan, id } => CliError::input(format!(
            "{}: the stored hash of {id} (plan {plan}) does not match its stored criteria: the \
             lock was edited by hand",
            name(path)
        ))
        .with_hint(
            "restore the lock from git, or accept the plan's criteria as they are now with \
             `baton lock --update`",
        ),
        LockError::Write { path, source } => CliError::new(
            Kind::Input,
            format!("cannot write {}: {source}", name(path)),
        )
        .with_hint("check that the plan's folder is writable; the lock was left as it was"),
    }
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    let lock_path = LockFile::path_for(&file.path);
    let shown = LockFile::path_for(Path::new(&file.shown))
        .display()
        .to_string();
    let key = LockFile::plan_key(&lock_path, &file.path);

    let existing = match LockFile::load(&lock_path) {
        Ok(existing) => existing,
        Err(err) if err.is_bad_content() && args.update => {
            // Asked for on purpose: the unreadable file is replaced, and the user told so,
            // because entries it held for other plans are gone with it.
            let mut fresh = LockFile::new();
            let unlockable = fresh.record(&key, &plan);
            fresh
                .save(&lock_path)
                .map_err(|e| lock_error(&e, Some(&shown)))?;
            let reason = lock_error(&err, Some(&shown)).message;
            let report = Report {
                outcome: Outcome::Replaced,
                written: true,
                locked: fresh.locked_count(&key),
                changes: Vec::new(),
                unlockable,
            };
            if !args.json {
                p.status(format!("replaced the unreadable lock: {reason}"))?;
            }
            return finish(p, args, &file, &plan, &shown, &key, &report);
        }
        Err(err) => return Err(lock_error(&err, Some(&shown))),
    };

    let report = match existing {
        Some(lock) if lock.has_plan(&key) => compare(lock, &key, &plan, args, &lock_path, &shown)?,
        other => {
            if args.check {
                let what = if other.is_some() {
                    format!("{shown} has no entry for {key}")
                } else {
                    format!("no lock for {}: {shown} does not exist", file.shown)
                };
                return Err(CliError::input(what)
                    .with_hint("`baton lock` records every task's criteria; commit the lock"));
            }
            // First lock of this plan; other plans sharing the file keep their entries.
            let mut lock = other.unwrap_or_default();
            let unlockable = lock.record(&key, &plan);
            lock.save(&lock_path)
                .map_err(|e| lock_error(&e, Some(&shown)))?;
            Report {
                outcome: Outcome::Created,
                written: true,
                locked: lock.locked_count(&key),
                changes: Vec::new(),
                unlockable,
            }
        }
    };
    finish(p, args, &file, &plan, &shown, &key, &report)
}

/// What happened, before it is shown.
struct Report {
    outcome: Outcome,
    written: bool,
    locked: usize,
    changes: Vec<Change>,
    unlockable: Vec<Unlockable>,
}

/// An existing lock for this plan: report the differences, and write only what may be
/// written (new tasks always; changed or removed criteria only with `--update`).
fn compare(
    mut lock: LockFile,
    key: &str,
    plan: &Plan,
    args: &Args,
    lock_path: &Path,
    shown: &str,
) -> Result<Report, CliError> {
    let changes = lock.changes(key, plan);
    let tampering = changes.iter().any(Change::needs_acceptance);
    let before = lock.clone();
    let (outcome, write) = if args.check {
        let outcome = if tampering {
            Outcome::Changed
        } else {
            Outcome::Unchanged
        };
        (outcome, false)
    } else if tampering && !args.update {
        (Outcome::Changed, false)
    } else if tampering {
        (Outcome::Updated, true)
    } else if !changes.is_empty() {
        // Only new tasks: locking them is what this command is for, and it cannot hide a
        // weakening, so it needs no --update.
        (Outcome::Extended, true)
    } else {
        // Nothing to accept. `--update` still refreshes titles kept for display, but an
        // identical lock is not rewritten.
        (Outcome::Unchanged, args.update)
    };
    let unlockable = if write {
        lock.record(key, plan)
    } else {
        lock::unlockable(plan)
    };
    let written = write && lock != before;
    if written {
        lock.save(lock_path)
            .map_err(|e| lock_error(&e, Some(shown)))?;
    }
    Ok(Report {
        outcome,
        written,
        locked: lock.locked_count(key),
        changes,
        unlockable,
    })
}

fn finish(
    p: &mut Printer,
    args: &Args,
    file: &Project,
    plan: &Plan,
    shown: &str,
    key: &str,
    report: &Report,
) -> Result<ExitCode, CliError> {
    let exit = if report.outcome == Outcome::Changed {
        code::FINDINGS
    } else {
        code::OK
    };
    if args.json {
        let view = LockView {
            lock: shown.to_string(),
            key: key.to_string(),
            outcome: report.outcome.as_str(),
            written: report.written,
            locked: report.locked,
            changes: report
                .changes
                .iter()
                .map(|c| ChangeView::new(plan, c))
                .collect(),
            unlockable: report.unlockable.iter().map(UnlockableView::from).collect(),
        };
        p.json(&Envelope::new("baton.lock", &file.shown, view))?;
        return Ok(ExitCode::from(exit));
    }

    // The changes are the command's data (stdout); what was done about them is status.
    let accepted: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.needs_acceptance())
        .collect();
    for change in &accepted {
        for line in change_lines(&file.shown, plan, change) {
            p.line(line)?;
        }
    }
    for change in report.changes.iter().filter(|c| !c.needs_acceptance()) {
        let verb = if report.written {
            "locked new task"
        } else {
            "not locked yet (new since locking):"
        };
        p.status(format!(
            "{} {verb} {}",
            location(&file.shown, plan, change),
            titled(plan, change.id())
        ))?;
    }
    for u in &report.unlockable {
        let why = match u.reason {
            UnlockableReason::NoId => "has no id".to_string(),
            UnlockableReason::DuplicateId => {
                format!("repeats the id {}", u.id.as_deref().unwrap_or_default())
            }
        };
        p.status(format!(
            "{}:{}: not lockable: \"{}\" {why}",
            file.shown, u.line, u.title
        ))?;
    }
    let tasks = plural(report.locked, "task");
    let n = accepted.len();
    match report.outcome {
        Outcome::Created => p.status(format!(
            "{} locked the criteria of {tasks} of {} in {shown}",
            printer::paint(printer::GREEN, "ok"),
            file.shown
        ))?,
        Outcome::Replaced => p.status(format!(
            "{} wrote a new {shown} with the criteria of {tasks}",
            printer::paint(printer::GREEN, "ok")
        ))?,
        Outcome::Unchanged => p.status(format!(
            "{} {shown}: {tasks} locked, criteria unchanged{}",
            printer::paint(printer::GREEN, "ok"),
            if report.written {
                " (titles refreshed)"
            } else {
                ""
            }
        ))?,
        Outcome::Extended => p.status(format!(
            "{} {shown}: criteria unchanged; {tasks} locked now",
            printer::paint(printer::GREEN, "ok")
        ))?,
        Outcome::Updated => p.status(format!(
            "{} accepted {} in {shown}; {tasks} locked",
            printer::paint(printer::GREEN, "ok"),
            plural(n, "change")
        ))?,
        Outcome::Changed => {
            p.status(format!(
                "{}: criteria of {} differ from {shown}; nothing was written",
                printer::paint(printer::RED, "changed"),
                plural(n, "task")
            ))?;
            if !args.check {
                p.hint("if these changes are intended, `baton lock --update` accepts them")?;
            }
        }
    }
    if report
        .unlockable
        .iter()
        .any(|u| u.reason == UnlockableReason::NoId)
    {
        p.hint("`baton fmt --ids` gives every task an id; then run `baton lock` again")?;
    }
    Ok(ExitCode::from(exit))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `plan.md:12:` for a task still in the plan, else the plan alone.
fn location(shown: &str, plan: &Plan, change: &Change) -> String {
    match plan.task(change.id()) {
        Some(t) => format!("{shown}:{}:", t.line_span.line),
        None => format!("{shown}:"),
    }
}

/// `T3 "title"` with the task's current title when it has one.
fn titled(plan: &Plan, id: &str) -> String {
    match plan.task(id) {
        Some(t) => format!("{id} \"{}\"", t.title),
        None => id.to_string(),
    }
}

/// A change as text lines: a heading naming the task, then each differing section with a
/// small diff of its items (`- removed`, `+ added`, unchanged items indented for context).
/// Shared with `baton verify`, which shows the same before and after.
pub(crate) fn change_lines(shown: &str, plan: &Plan, change: &Change) -> Vec<String> {
    let mut out = Vec::new();
    match change {
        Change::Changed { id, before, after } => {
            out.push(format!(
                "{} {id} \"{}\": criteria changed since locking",
                location(shown, plan, change),
                after.title
            ));
            if before.title != after.title {
                out.push(format!("  (locked as \"{}\")", before.title));
            }
            for ((name, old), (_, new)) in before.sections().into_iter().zip(after.sections()) {
                if old != new {
                    out.push(format!("  {name}:"));
                    out.extend(lock::diff_items(old, new).into_iter().map(diff_line));
                }
            }
        }
        Change::Removed { id, before } => {
            out.push(format!(
                "{} {id} \"{}\": removed since locking",
                location(shown, plan, change),
                before.title
            ));
            if before.is_empty() {
                out.push("  (it promised no criteria)".to_string());
            }
            for (name, old) in before.sections() {
                if !old.is_empty() {
                    out.push(format!("  {name}:"));
                    out.extend(lock::diff_items(old, &[]).into_iter().map(diff_line));
                }
            }
        }
        Change::Unlocked { id } => out.push(format!(
            "{} {}: new since locking, not locked yet",
            location(shown, plan, change),
            titled(plan, id)
        )),
    }
    out
}

fn diff_line(line: DiffLine<'_>) -> String {
    match line {
        DiffLine::Same(text) => format!("      {text}"),
        DiffLine::Removed(text) => printer::paint(printer::RED, format!("    - {text}")),
        DiffLine::Added(text) => printer::paint(printer::GREEN, format!("    + {text}")),
    }
}
