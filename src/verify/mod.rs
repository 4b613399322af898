//! The verifier: a ticked box is a claim, and this module checks it against evidence.
//!
//! Most plans carry no `verify:` commands, so the evidence is gathered in layers, each of
//! which says exactly what it found ([`finding::Finding`]):
//!
//! - **commands**: the task's `verify:` commands, run by [`exec`];
//! - **acceptance**: its nested acceptance checkboxes;
//! - **paths** ([`paths`]): its declared scope, and the paths its text names, judged by what
//!   the words around them promise ([`mentions`]): created paths must exist, removed ones
//!   must be gone;
//! - **identifiers**, **wiring** and **stubs** (`idents`): the code identifiers it names in
//!   backticks must be defined, should be used somewhere else, and must not be stubs, all
//!   read from one index of the repository ([`code`]), built once per run and only when a
//!   task needs it;
//! - **history** ([`git`]): the commits that touched its files since it entered the plan;
//!   a ticked task nothing touched since is not verified by what was there before it;
//! - and whether its criteria changed since they were locked ([`lock`]).
//!
//! The verdict follows from the weights of the findings and the box, conservatively: only
//! hard evidence makes a tick false.
//!
//! | box | evidence | verdict |
//! |---|---|---|
//! | ticked | criteria changed since `baton lock` | tampered |
//! | ticked | any hard finding | false-done |
//! | ticked | no positive finding | unverifiable (trusted, never verified) |
//! | ticked | positive findings and warnings | verified-with-warnings |
//! | ticked | positive findings only | verified |
//! | open | verify commands defined, no hard finding | done-unticked |
//! | open | otherwise | incomplete |
//!
//! Nothing here prints or knows about the terminal; the CLI turns reports into views.

pub mod code;
pub mod exec;
pub mod finding;
pub mod git;
mod idents;
pub mod lock;
pub mod mentions;
pub mod paths;
pub mod trust;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rustc_hash::FxHashMap;

use crate::plan::{Plan, Status, Task};
pub use finding::{Finding, Layer, Weight};

/// What a task turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Ticked, but its acceptance criteria changed since they were locked.
    Tampered,
    /// Ticked, and some evidence is hard proof against it.
    FalseDone,
    /// Not ticked, though its verify commands and every other check pass.
    DoneUnticked,
    /// Not ticked, evidence not (all) there.
    Incomplete,
    /// Ticked with no positive evidence: trusted, not verified.
    Unverifiable,
    /// Ticked, positive evidence, and softer signals worth a look (drift, not wired, …).
    VerifiedWithWarnings,
    Verified,
    /// `[-]`: nothing to verify.
    Skipped,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Tampered => "tampered",
            Verdict::FalseDone => "false-done",
            Verdict::DoneUnticked => "done-unticked",
            Verdict::Incomplete => "incomplete",
            Verdict::Unverifiable => "unverifiable",
            Verdict::VerifiedWithWarnings => "verified-with-warnings",
            Verdict::Verified => "verified",
            Verdict::Skipped => "skipped",
        }
    }

    /// Whether a phase holding this task counts as finished.
    pub fn is_finished(self, trust_unverifiable: bool) -> bool {
        match self {
            Verdict::Verified | Verdict::VerifiedWithWarnings | Verdict::Skipped => true,
            Verdict::Unverifiable => trust_unverifiable,
            _ => false,
        }
    }

    /// Work is left on the task even when unverifiable ticks are trusted: false-done,
    /// tampered, incomplete, or done but not ticked.
    pub fn needs_work(self) -> bool {
        !self.is_finished(true)
    }

    /// Verified, with or without warnings.
    pub fn is_verified(self) -> bool {
        matches!(self, Verdict::Verified | Verdict::VerifiedWithWarnings)
    }
}

/// One declared scope entry and what was found for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCheck {
    pub pattern: String,
    /// Contains `*`, `?` or `[`: must match at least one file.
    pub glob: bool,
    /// Files found (for a literal path: 1 if it exists).
    pub matches: usize,
    /// The task's text says it removes this path: it must be gone.
    pub removes: bool,
    /// Why the path is a mention rather than evidence (ignored, written at run time), if so.
    pub mention: Option<String>,
}

impl PathCheck {
    pub fn passed(&self) -> bool {
        self.mention.is_some() || (self.matches > 0) != self.removes
    }
}

/// Everything found for one task.
#[derive(Debug, Clone)]
pub struct TaskReport {
    pub task: usize,
    pub verdict: Verdict,
    pub commands: Vec<exec::CommandResult>,
    /// The declared scope, entry by entry.
    pub paths: Vec<PathCheck>,
    /// Ticked and total acceptance checkboxes.
    pub acceptance: (usize, usize),
    /// The criteria change that makes the task tampered.
    pub tamper: Option<lock::Change>,
    /// Commits and edits that touched the task's files since it entered the plan (inside
    /// git, for tasks with paths).
    pub git: Option<git::GitEvidence>,
    /// Every finding of every layer, in layer order.
    pub findings: Vec<Finding>,
}

impl TaskReport {
    fn weighing(&self, weight: Weight) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.weight == weight)
    }

    pub fn hard(&self) -> impl Iterator<Item = &Finding> {
        self.weighing(Weight::Hard)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.weighing(Weight::Warning)
    }

    pub fn positives(&self) -> impl Iterator<Item = &Finding> {
        self.weighing(Weight::Positive)
    }

    /// Whether any layer could judge the task (found something for or against it).
    pub fn has_evidence(&self) -> bool {
        self.findings.iter().any(|f| f.weight.judges())
    }

    /// No hard finding.
    pub fn evidence_passes(&self) -> bool {
        self.hard().next().is_none()
    }

    /// Whether `layer` found something for or against the task.
    pub fn judged_by(&self, layer: Layer) -> bool {
        self.findings
            .iter()
            .any(|f| f.layer == layer && f.weight.judges())
    }

    /// Why the verdict is what it is, in one sentence (for `--explain`).
    pub fn reason(&self, status: Status) -> String {
        let layers = |weight: Weight| {
            let mut names: Vec<&str> = Vec::new();
            for f in self.weighing(weight) {
                if !names.contains(&f.layer.as_str()) {
                    names.push(f.layer.as_str());
                }
            }
            names.join(", ")
        };
        let count = |weight: Weight| self.weighing(weight).count();
        match self.verdict {
            Verdict::Skipped => "the task is skipped (`[-]`): nothing to verify".to_string(),
            Verdict::Tampered => {
                "its criteria changed since `baton lock`: that decides before any evidence"
                    .to_string()
            }
            Verdict::FalseDone => format!(
                "ticked, and {} hard finding(s) prove otherwise ({})",
                count(Weight::Hard),
                layers(Weight::Hard)
            ),
            Verdict::Unverifiable if count(Weight::Warning) > 0 => format!(
                "ticked, no hard finding, but no positive evidence either, only {} warning(s) \
                 ({}): trusted, not verified",
                count(Weight::Warning),
                layers(Weight::Warning)
            ),
            Verdict::Unverifiable => {
                "ticked, and no layer found evidence for or against it: trusted, not verified"
                    .to_string()
            }
            Verdict::VerifiedWithWarnings => format!(
                "ticked, no hard finding, positive evidence ({}), and {} warning(s) ({})",
                layers(Weight::Positive),
                count(Weight::Warning),
                layers(Weight::Warning)
            ),
            Verdict::Verified => format!(
                "ticked, no hard finding and no warning, positive evidence ({})",
                layers(Weight::Positive)
            ),
            Verdict::DoneUnticked => {
                "not ticked, though its verify commands pass and nothing is against it".to_string()
            }
            Verdict::Incomplete if status == Status::Done => String::new(),
            Verdict::Incomplete if !self.commands.is_empty() || count(Weight::Hard) > 0 => {
                format!(
                    "not ticked, and the evidence is not all there ({} hard finding(s))",
                    count(Weight::Hard)
                )
            }
            Verdict::Incomplete => {
                "not ticked; without verify commands an open box is never called finished"
                    .to_string()
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub jobs: usize,
    pub timeout: Duration,
    /// Bytes of each command's output kept for the report.
    pub tail_bytes: usize,
    /// Where `verify` commands run: the repository root.
    pub repo_root: PathBuf,
    /// What scope paths are relative to: the plan's directory.
    pub base: PathBuf,
    /// The plan file, to find when each task entered it in its history; None skips the
    /// history layer.
    pub plan_file: Option<PathBuf>,
    /// Which of the plan's commands may run ([`trust`]).
    pub trust: trust::Trust,
}

/// The files under `base`, relative to it with `/` separators: git's view (tracked and
/// untracked but not ignored) inside a repository, else a walk that skips hidden folders.
pub fn list_files(base: &Path) -> Vec<String> {
    let listed = git::output(
        base,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    if let Some(stdout) = listed {
        let mut files: Vec<String> = stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        // Deleted but still tracked files are listed by --cached: keep what exists.
        files.retain(|f| base.join(f).exists());
        files.sort();
        files.dedup();
        return files;
    }
    let mut files = Vec::new();
    let mut stack = vec![(base.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            match entry.file_type() {
                Ok(t) if t.is_dir() => {
                    if !name.starts_with('.') {
                        stack.push((entry.path(), path));
                    }
                }
                Ok(_) => files.push(path),
                Err(_) => {}
            }
        }
    }
    files.sort();
    files
}

/// One verify run: what every task shares, each built at most once and only when a task
/// needs it (the file listing, the code index, the repository's history). The CLI keeps one
/// across the phases it verifies one after the other.
#[derive(Debug)]
pub struct Verifier<'p> {
    plan: &'p Plan,
    changes: &'p [lock::Change],
    options: &'p Options,
    workspace: Option<paths::Workspace>,
    index: Option<code::CodeIndex>,
    externals: Option<idents::Externals>,
    /// Outer None: not read yet; inner None: not in git, or no plan file.
    history: Option<Option<git::History>>,
    plan_source: Option<Vec<u8>>,
    /// How many tasks of the whole plan name each root-relative path.
    named_by: Option<FxHashMap<String, usize>>,
}

impl<'p> Verifier<'p> {
    /// `changes` are the lock's changes for this plan (empty without a lock).
    pub fn new(plan: &'p Plan, changes: &'p [lock::Change], options: &'p Options) -> Self {
        Verifier {
            plan,
            changes,
            options,
            workspace: None,
            index: None,
            externals: None,
            history: None,
            plan_source: None,
            named_by: None,
        }
    }

    /// Whether the code index was built (for tests: it must be built at most once, and
    /// only when a task names identifiers or files).
    pub fn index_built(&self) -> bool {
        self.index.is_some()
    }

    /// Verifies `tasks` (indices into `plan.tasks`). `on_command(done, total)` reports
    /// progress.
    pub fn run(
        &mut self,
        tasks: &[usize],
        mut on_command: impl FnMut(usize, usize, &exec::CommandResult),
    ) -> Vec<TaskReport> {
        let plan = self.plan;
        let options = self.options;
        let mut specs = Vec::new();
        let mut owner = Vec::new();
        let mut held: FxHashMap<usize, Vec<Finding>> = Default::default();
        let mut tampers: FxHashMap<usize, lock::Change> = Default::default();
        for &t in tasks {
            let task = &plan.tasks[t];
            if let Some(change) = self.tamper_of(task) {
                tampers.insert(t, change);
            }
            if task.status == Status::Skipped {
                continue;
            }
            for (command, why) in options.trust.gate(task, tampers.get(&t)) {
                if let Some(why) = why {
                    let note = options.trust.finding(command, why);
                    held.entry(t).or_default().push(note);
                    continue;
                }
                specs.push(exec::CommandSpec {
                    command: command.to_string(),
                    cwd: options.repo_root.clone(),
                    timeout: options.timeout,
                    tail_bytes: options.tail_bytes,
                    env: vec![(
                        "BATON_TASK".to_string(),
                        task.id.clone().unwrap_or_default(),
                    )],
                });
                owner.push(t);
            }
        }
        let total = specs.len();
        let mut finished = 0;
        let results = exec::run_all(&specs, options.jobs, |_, result| {
            finished += 1;
            on_command(finished, total, result);
        });
        let mut by_task: FxHashMap<usize, Vec<exec::CommandResult>> = Default::default();
        for (t, result) in owner.into_iter().zip(results) {
            by_task.entry(t).or_default().push(result);
        }

        let read: Vec<mentions::Mentions> = tasks
            .iter()
            .map(|&t| {
                let task = &plan.tasks[t];
                if task.status == Status::Skipped {
                    mentions::Mentions::default()
                } else {
                    mentions::read(task)
                }
            })
            .collect();
        // The code index is the slow part of a run: it is built on other threads while git
        // lists the files and answers what it knows (ignored paths, history), and only when
        // some task names an identifier or a path that exists.
        let names_code = read.iter().any(|m| {
            m.idents
                .iter()
                .any(|i| code::Ident::parse(&i.code).is_some())
        });
        let root = options.repo_root.as_path();
        let need_index = self.index.is_none();
        let workspace = &mut self.workspace;
        let (index, history) = std::thread::scope(|s| {
            let early =
                (names_code && need_index).then(|| s.spawn(|| code::CodeIndex::build(root)));
            let ws = workspace
                .get_or_insert_with(|| paths::Workspace::new(&options.repo_root, &options.base));
            let mut asked = Vec::new();
            let mut named_any = false;
            let mut holds_code = false;
            for (&t, m) in tasks.iter().zip(&read) {
                for path in paths::named(&plan.tasks[t], m) {
                    named_any = true;
                    holds_code = holds_code || path_may_hold_code(ws, &path);
                    asked.extend(ws.candidates(&path));
                }
            }
            let late = (early.is_none() && holds_code && need_index)
                .then(|| s.spawn(|| code::CodeIndex::build(root)));
            ws.learn_ignored(asked);
            let history = (named_any && self.history.is_none()).then(|| read_history_of(options));
            let index = early.or(late).map(|h| match h.join() {
                Ok(index) => index,
                Err(panic) => std::panic::resume_unwind(panic),
            });
            (index, history)
        });
        if let Some(index) = index {
            self.index = Some(index);
        }
        if let Some((history, source)) = history {
            self.history = Some(history);
            self.plan_source = source;
        }

        let mut reports = Vec::with_capacity(tasks.len());
        for (&t, m) in tasks.iter().zip(&read) {
            let task = &plan.tasks[t];
            let tamper = tampers.remove(&t);
            let acceptance = (
                task.acceptance
                    .iter()
                    .filter(|a| a.status.is_closed())
                    .count(),
                task.acceptance.len(),
            );
            let commands = by_task.remove(&t).unwrap_or_default();
            let mut report = TaskReport {
                task: t,
                verdict: Verdict::Skipped,
                commands,
                paths: Vec::new(),
                acceptance,
                tamper,
                git: None,
                findings: Vec::new(),
            };
            if task.status != Status::Skipped {
                self.gather(task, m, &mut report);
                if let Some(notes) = held.remove(&t) {
                    let at = report
                        .findings
                        .iter()
                        .position(|f| f.layer != Layer::Commands)
                        .unwrap_or(report.findings.len());
                    report.findings.splice(at..at, notes);
                }
            }
            report.verdict = verdict(task.status, &report);
            reports.push(report);
        }
        reports
    }

    /// How the task's criteria differ from the lock: the committed lock's view when an
    /// agent asked ([`trust::Trust::Committed`]), else the lock on disk's.
    fn tamper_of(&self, task: &Task) -> Option<lock::Change> {
        self.options.trust.tamper(task).or_else(|| {
            let id = task.id.as_deref()?;
            self.changes
                .iter()
                .find(|c| c.needs_acceptance() && c.id() == id)
                .cloned()
        })
    }

    /// Every layer's findings for one task.
    fn gather(&mut self, task: &Task, m: &mentions::Mentions, report: &mut TaskReport) {
        for c in &report.commands {
            let finding = if c.outcome.is_success() {
                Finding::new(
                    Layer::Commands,
                    Weight::Positive,
                    "passed",
                    &c.command,
                    format!("`{}` passed", c.command),
                )
            } else {
                Finding::new(
                    Layer::Commands,
                    Weight::Hard,
                    "failed",
                    &c.command,
                    format!("`{}` failed", c.command),
                )
            };
            report.findings.push(finding);
        }
        let (ticked, total) = report.acceptance;
        if total > 0 {
            let what = format!("{ticked} of {total} acceptance items ticked");
            report.findings.push(if ticked == total {
                Finding::new(Layer::Acceptance, Weight::Positive, "ticked", "", what)
            } else {
                Finding::new(Layer::Acceptance, Weight::Hard, "open", "", what)
            });
        }

        let Some(ws) = self.workspace.as_ref() else {
            return;
        };
        let outcome = paths::judge(task, m, ws);
        report.paths = outcome.checks;
        report.findings.extend(outcome.findings);

        if idents::needs_index(m, &outcome.scope, ws) {
            if self.named_by.is_none() {
                self.named_by = Some(idents::named_by(self.plan, ws));
            }
            let index = self
                .index
                .get_or_insert_with(|| code::CodeIndex::build(&self.options.repo_root));
            let externals = self
                .externals
                .get_or_insert_with(|| idents::Externals::new(&self.options.repo_root));
            let empty = FxHashMap::default();
            let named_by = self.named_by.as_ref().unwrap_or(&empty);
            idents::judge(
                m,
                &outcome.scope,
                index,
                named_by,
                externals,
                &mut report.findings,
            );
        }

        if !outcome.scope.is_empty() {
            self.history_layer(task, &outcome.scope, report);
        }
    }

    /// The history layer: commits that touched the task's paths since it entered the plan.
    fn history_layer(&mut self, task: &Task, scope: &[paths::ScopePath], report: &mut TaskReport) {
        if self.options.plan_file.is_none() {
            return;
        }
        if self.history.is_none() {
            let (history, source) = read_history_of(self.options);
            self.history = Some(history);
            self.plan_source = source;
        }
        let Some(Some(history)) = self.history.as_mut() else {
            return;
        };
        let needle = self
            .plan_source
            .as_deref()
            .and_then(|src| task_line_text(src, task));
        let phase_title = &self.plan.phases[task.phase].title;
        let anchor = needle
            .as_deref()
            .and_then(|n| history.entered_line(n))
            .map(|(f, s)| (f.to_string(), s.to_string(), git::Anchor::Task))
            .or_else(|| {
                (!phase_title.is_empty())
                    .then(|| history.entered(phase_title))
                    .flatten()
                    .map(|(f, s)| (f.to_string(), s.to_string(), git::Anchor::Phase))
            });
        let pairs: Vec<(String, bool)> = scope.iter().map(|s| (s.rel.clone(), s.glob)).collect();
        let ev = history.evidence(
            anchor
                .as_ref()
                .map(|(f, s, a)| (f.as_str(), s.as_str(), *a)),
            &pairs,
        );
        let since = match (&ev.since, ev.anchor) {
            (Some(s), Some(git::Anchor::Task)) => format!(" since the task entered the plan ({s})"),
            (Some(s), Some(git::Anchor::Phase)) => {
                format!(" since its phase entered the plan ({s})")
            }
            _ => String::new(),
        };
        let finding = if ev.touched() {
            let mut what = match (&ev.latest, ev.commits) {
                (Some(latest), n) => format!(
                    "{n} commit{} touched its files{since} (latest {latest})",
                    if n == 1 { "" } else { "s" }
                ),
                _ => format!("no commit touched its files{since}"),
            };
            if ev.uncommitted {
                what.push_str(if ev.commits > 0 {
                    ", and it has uncommitted edits"
                } else {
                    ", but it has uncommitted edits"
                });
            }
            Finding::new(Layer::History, Weight::Positive, "touched", "", what)
        } else {
            let what = format!("no commit{since} and no uncommitted edit touched its files");
            let weight = if task.status == Status::Done {
                Weight::Warning
            } else {
                Weight::Note
            };
            Finding::new(Layer::History, weight, "untouched", "", what)
        };
        // Nothing done at all: the task entered the plan after its files and names were
        // already there, and nothing touched them since. What the code holds is then no
        // evidence of this task's work.
        if task.status == Status::Done && ev.anchor.is_some() && !ev.touched() {
            predates_the_task(&mut report.findings);
        }
        report.findings.push(finding);
        report.git = Some(ev);
    }
}

/// Turns the code layers' positive findings into notes: they describe what was there
/// before the task entered the plan, which proves nothing about the task.
fn predates_the_task(findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| {
        f.weight == Weight::Positive
            && matches!(f.layer, Layer::Paths | Layer::Identifiers | Layer::Wiring)
    }) {
        f.weight = Weight::Note;
        f.message
            .push_str(", but it was already so before the task entered the plan");
    }
}

/// The repository's history and the plan's bytes (to find each task's line in it); no
/// history without a plan file or outside git.
fn read_history_of(options: &Options) -> (Option<git::History>, Option<Vec<u8>>) {
    let Some(plan_file) = options.plan_file.as_deref() else {
        return (None, None);
    };
    let root = &options.repo_root;
    let history = relative_to(plan_file, root).and_then(|rel| git::History::read(root, &rel));
    (history, std::fs::read(plan_file).ok())
}

/// Whether a path a task names may hold code the index would read: it exists, in either
/// reading, or is a glob.
fn path_may_hold_code(ws: &paths::Workspace, path: &str) -> bool {
    path.contains(['*', '?']) || ws.locate(path).is_some()
}

/// `path` relative to `root`, `/`-separated, when it is inside.
fn relative_to(path: &Path, root: &Path) -> Option<String> {
    let path = std::fs::canonicalize(path).ok()?;
    let root = std::fs::canonicalize(root).ok()?;
    let rel = path.strip_prefix(root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The task's line after its checkbox (`T1 Log in`), which ticking the box leaves as it is:
/// how the task's line is found in the plan's history.
fn task_line_text(source: &[u8], task: &Task) -> Option<String> {
    let start = task.status_span.end.checked_add(1)?;
    let end = task.line_span.end;
    let bytes = source.get(start..end)?;
    let text = String::from_utf8_lossy(bytes).trim().to_string();
    (text.len() >= 3).then_some(text)
}

/// Verifies `tasks` with a verifier of their own (see [`Verifier`] to share one).
pub fn verify_tasks(
    plan: &Plan,
    tasks: &[usize],
    changes: &[lock::Change],
    options: &Options,
    on_command: impl FnMut(usize, usize, &exec::CommandResult),
) -> Vec<TaskReport> {
    Verifier::new(plan, changes, options).run(tasks, on_command)
}

/// The verdict for a task with this box and this evidence (see the module table).
pub fn verdict(status: Status, report: &TaskReport) -> Verdict {
    let hard = report.hard().next().is_some();
    let positive = report.positives().next().is_some();
    let warned = report.warnings().next().is_some();
    match status {
        Status::Skipped => Verdict::Skipped,
        Status::Done if report.tamper.is_some() => Verdict::Tampered,
        Status::Done if hard => Verdict::FalseDone,
        Status::Done if !positive => Verdict::Unverifiable,
        Status::Done if warned => Verdict::VerifiedWithWarnings,
        Status::Done => Verdict::Verified,
        _ if report.tamper.is_some() => Verdict::Tampered,
        _ if !report.commands.is_empty() && !hard => Verdict::DoneUnticked,
        _ => Verdict::Incomplete,
    }
}

/// The lock changes that concern tampering with ticked or open tasks (removed tasks too).
pub fn tampering(changes: &[lock::Change]) -> impl Iterator<Item = &lock::Change> {
    changes.iter().filter(|c| c.needs_acceptance())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;

    fn options(dir: &Path) -> Options {
        Options {
            jobs: 2,
            timeout: Duration::from_secs(10),
            tail_bytes: 4096,
            repo_root: dir.to_path_buf(),
            base: dir.to_path_buf(),
            plan_file: None,
            trust: trust::Trust::Plan,
        }
    }

    #[test]
    fn verdicts_follow_the_evidence() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("src/auth")).expect("mkdir");
        std::fs::write(dir.path().join("src/auth/login.rs"), "fn login() {}\n").expect("write");
        let plan = parse(
            b"- [x] T1 real\n  - files: src/auth/**\n  - verify: `test -f src/auth/login.rs`\n\
- [x] T2 lie\n  - files: src/billing/**\n\
- [x] T3 trusted\n\
- [ ] T4 done but not ticked\n  - verify: `true`\n\
- [ ] T5 open\n  - verify: `false`\n\
- [x] T6 half\n  - [x] one\n  - [ ] two\n\
- [-] T7 skipped\n  - verify: `false`\n",
        );
        let all: Vec<usize> = (0..plan.tasks.len()).collect();
        let mut seen = 0;
        let reports = verify_tasks(&plan, &all, &[], &options(dir.path()), |done, total, _| {
            assert!(done <= total);
            seen = total;
        });
        assert_eq!(seen, 3, "skipped tasks run nothing");
        let verdicts: Vec<Verdict> = reports.iter().map(|r| r.verdict).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Verified,
                Verdict::FalseDone,
                Verdict::Unverifiable,
                Verdict::DoneUnticked,
                Verdict::Incomplete,
                Verdict::FalseDone,
                Verdict::Skipped,
            ]
        );
        assert_eq!(reports[1].paths[0].matches, 0);
        assert_eq!(reports[5].acceptance, (1, 2));
    }

    #[test]
    fn changed_criteria_are_tampering() {
        let dir = tempfile::tempdir().expect("tmp");
        let before = parse(b"- [ ] T1 a\n  - verify: `cargo test`\n");
        let mut lock = lock::LockFile::new();
        lock.record("plan.md", &before);
        let after = parse(b"- [x] T1 a\n  - verify: `true`\n");
        let changes = lock.changes("plan.md", &after);
        let reports = verify_tasks(&after, &[0], &changes, &options(dir.path()), |_, _, _| {});
        assert_eq!(reports[0].verdict, Verdict::Tampered);
        assert!(matches!(
            reports[0].tamper,
            Some(lock::Change::Changed { .. })
        ));
    }

    #[test]
    fn literal_paths_must_exist_and_directories_count() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("db")).expect("mkdir");
        let plan = parse(b"- [x] T1 a\n  - files: db, db/schema.sql, src/{a,b}.rs\n");
        let reports = verify_tasks(&plan, &[0], &[], &options(dir.path()), |_, _, _| {});
        let found: Vec<(String, usize)> = reports[0]
            .paths
            .iter()
            .map(|p| (p.pattern.clone(), p.matches))
            .collect();
        assert_eq!(
            found,
            [
                ("db".to_string(), 1),
                ("db/schema.sql".to_string(), 0),
                ("src/a.rs".to_string(), 0),
                ("src/b.rs".to_string(), 0)
            ]
        );
    }

    fn report_with(findings: &[(Layer, Weight)]) -> TaskReport {
        TaskReport {
            task: 0,
            verdict: Verdict::Incomplete,
            commands: Vec::new(),
            paths: Vec::new(),
            acceptance: (0, 0),
            tamper: None,
            git: None,
            findings: findings
                .iter()
                .map(|&(layer, weight)| Finding::new(layer, weight, "x", "", ""))
                .collect(),
        }
    }

    #[test]
    fn the_verdict_rule_weighs_findings() {
        use Layer::*;
        use Weight::*;
        let done = |f: &[(Layer, Weight)]| verdict(Status::Done, &report_with(f));
        assert_eq!(done(&[]), Verdict::Unverifiable);
        assert_eq!(
            done(&[(Paths, Note)]),
            Verdict::Unverifiable,
            "notes are no evidence"
        );
        assert_eq!(
            done(&[(Identifiers, Warning)]),
            Verdict::Unverifiable,
            "warnings alone prove nothing"
        );
        assert_eq!(done(&[(Paths, Positive)]), Verdict::Verified);
        assert_eq!(
            done(&[(Paths, Positive), (Wiring, Warning)]),
            Verdict::VerifiedWithWarnings
        );
        assert_eq!(
            done(&[(Paths, Positive), (Stubs, Hard), (History, Warning)]),
            Verdict::FalseDone
        );
        // An open box: code evidence alone never says the work is finished.
        let open = |f: &[(Layer, Weight)]| verdict(Status::Todo, &report_with(f));
        assert_eq!(open(&[(Paths, Positive)]), Verdict::Incomplete);
        assert!(Verdict::VerifiedWithWarnings.is_finished(false));
        assert!(!Verdict::Unverifiable.is_finished(false));
    }

    #[test]
    fn code_evidence_without_verify_commands() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        std::fs::create_dir_all(d.join("src/services")).expect("mkdir");
        std::fs::write(
            d.join("src/services/user.py"),
            "class UserService:\n    def register(self, email):\n        return email\n\n    def delete(self, email):\n        raise NotImplementedError\n",
        )
        .expect("write");
        std::fs::write(
            d.join("src/app.py"),
            "from services.user import UserService\nUserService().register('a')\n",
        )
        .expect("write");
        let plan = parse(
            b"- [x] T1 Implement `UserService.register` in src/services/user.py\n\
- [x] T2 Implement `UserService.delete` in src/services/user.py\n\
- [x] T3 Implement `PaymentGateway` in src/payments.py\n\
- [x] T4 Add a soft-delete flag to `src/services/user.py`\n\
- [x] T5 Implement `register`\n",
        );
        // Another `register`, still a stub: one stub among several definitions is no proof.
        std::fs::write(
            d.join("src/admin.py"),
            "class AdminService:\n    def register(self, email):\n        raise NotImplementedError\n",
        )
        .expect("write");
        let all: Vec<usize> = (0..plan.tasks.len()).collect();
        let options = options(d);
        let changes = Vec::new();
        let mut verifier = Verifier::new(&plan, &changes, &options);
        let reports = verifier.run(&all, |_, _, _| {});
        assert!(verifier.index_built());
        let verdicts: Vec<Verdict> = reports.iter().map(|r| r.verdict).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::VerifiedWithWarnings,
                Verdict::FalseDone,
                Verdict::FalseDone,
                Verdict::VerifiedWithWarnings,
                Verdict::VerifiedWithWarnings,
            ]
        );
        assert!(reports[4].warnings().any(|f| f.check == "stub-nearby"));
        let checks = |i: usize| -> Vec<&str> { reports[i].hard().map(|f| f.check).collect() };
        assert_eq!(checks(1), ["stub"]);
        assert_eq!(checks(2), ["created-missing", "undefined"]);
        // The shared file's older stub is only a warning for the other tasks.
        for i in [0, 3] {
            let warned: Vec<&str> = reports[i].warnings().map(|f| f.check).collect();
            assert_eq!(warned, ["stub-nearby"], "T{}", i + 1);
        }
        assert!(reports[0].positives().any(|f| f.check == "wired"));
        assert!(reports[1].warnings().any(|f| f.check == "not-wired"));
    }

    #[test]
    fn the_index_is_built_once_and_only_when_a_task_needs_it() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("lib.rs"), "pub fn parse() {}\n").expect("write");
        let options = options(dir.path());
        let changes = Vec::new();
        let plain = parse(b"- [x] T1 Announce it\n  - verify: `true`\n");
        let mut verifier = Verifier::new(&plain, &changes, &options);
        verifier.run(&[0], |_, _, _| {});
        assert!(!verifier.index_built(), "nothing named: no index");

        let named =
            parse(b"## A\n- [x] T1 Implement `parse` in lib.rs\n## B\n- [x] T2 Call `parse`\n");
        let mut verifier = Verifier::new(&named, &changes, &options);
        let first = verifier.run(&[0], |_, _, _| {});
        assert!(verifier.index_built());
        let second = verifier.run(&[1], |_, _, _| {});
        assert_eq!(
            first[0].verdict,
            Verdict::VerifiedWithWarnings,
            "{:?}",
            first[0].findings
        );
        assert!(second[0].findings.iter().any(|f| f.check == "used"));
    }

    #[test]
    fn a_field_the_index_does_not_define_is_no_lie() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        std::fs::write(
            d.join("user.rs"),
            "pub struct User {\n    pub deleted_at: Option<u64>,\n}\n",
        )
        .expect("write");
        let plan = parse(
            b"- [x] T1 Add `deleted_at` to `User` in user.rs\n- [x] T2 Add `archived_at` to `User` in user.rs\n",
        );
        let reports = verify_tasks(&plan, &[0, 1], &[], &options(d), |_, _, _| {});
        assert_ne!(
            reports[0].verdict,
            Verdict::FalseDone,
            "{:?}",
            reports[0].findings
        );
        assert!(
            reports[0]
                .warnings()
                .any(|f| f.check == "not-a-definition" || f.check == "drift"),
            "{:?}",
            reports[0].findings
        );
        // Named nowhere at all: that is the lie.
        assert_eq!(
            reports[1].verdict,
            Verdict::FalseDone,
            "{:?}",
            reports[1].findings
        );
    }
}
