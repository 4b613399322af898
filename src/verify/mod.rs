//! The verifier: a ticked box is a claim, and this module checks it against evidence.
//!
//! For each task it gathers what can be checked without judgement: its `verify` commands
//! (run by [`exec`]), its declared file scope (a literal path must exist, a glob must match
//! a file), its nested acceptance checkboxes, and whether its criteria changed since they
//! were locked ([`lock`]). The verdict follows from that evidence and the box:
//!
//! | box | evidence | verdict |
//! |---|---|---|
//! | ticked | criteria changed since `baton lock` | tampered |
//! | ticked | none defined | unverifiable (trusted, never verified) |
//! | ticked | all passes | verified |
//! | ticked | something fails | false-done |
//! | open | verify commands defined, all evidence passes | done-unticked |
//! | open | otherwise | incomplete |
//!
//! Nothing here prints or knows about the terminal; the CLI turns reports into views.

pub mod code;
pub mod exec;
pub mod git;
pub mod lock;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::graph::scope::Pattern;
use crate::plan::{Plan, ScopeSource, Status, Task};

/// What a task turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Ticked, but its acceptance criteria changed since they were locked.
    Tampered,
    /// Ticked, and some evidence fails.
    FalseDone,
    /// Not ticked, though every piece of evidence passes.
    DoneUnticked,
    /// Not ticked, evidence not (all) there.
    Incomplete,
    /// Ticked with no evidence defined: trusted, not verified.
    Unverifiable,
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
            Verdict::Verified => "verified",
            Verdict::Skipped => "skipped",
        }
    }

    /// Whether a phase holding this task counts as finished.
    pub fn is_finished(self, trust_unverifiable: bool) -> bool {
        match self {
            Verdict::Verified | Verdict::Skipped => true,
            Verdict::Unverifiable => trust_unverifiable,
            _ => false,
        }
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
}

impl PathCheck {
    pub fn passed(&self) -> bool {
        self.matches > 0
    }
}

/// Everything found for one task.
#[derive(Debug, Clone)]
pub struct TaskReport {
    pub task: usize,
    pub verdict: Verdict,
    pub commands: Vec<exec::CommandResult>,
    pub paths: Vec<PathCheck>,
    /// Ticked and total acceptance checkboxes.
    pub acceptance: (usize, usize),
    /// The criteria change that makes the task tampered.
    pub tamper: Option<lock::Change>,
    /// Commits and edits that touched the declared scope since the phase began (inside
    /// git, for tasks with a declared scope). Reported, not part of the verdict: a file can
    /// be finished by a commit from before the phase.
    pub git: Option<git::GitEvidence>,
}

impl TaskReport {
    pub fn has_evidence(&self) -> bool {
        !self.commands.is_empty() || !self.paths.is_empty() || self.acceptance.1 > 0
    }

    pub fn evidence_passes(&self) -> bool {
        self.commands.iter().all(|c| c.outcome.is_success())
            && self.paths.iter().all(PathCheck::passed)
            && self.acceptance.0 == self.acceptance.1
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
    /// The plan file, to find when each phase began in its history; None skips git evidence.
    pub plan_file: Option<PathBuf>,
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

/// Checks a task's declared scope against the files present.
fn check_paths(task: &Task, base: &Path, files: &mut Option<Vec<String>>) -> Vec<PathCheck> {
    if task.scope_source != ScopeSource::Declared {
        return Vec::new();
    }
    let mut checks = Vec::new();
    for entry in &task.files {
        for expanded in crate::plan::keys::expand_braces(entry) {
            let pattern = Pattern::new(&expanded);
            let glob = pattern.text.contains(['*', '?', '[']);
            let matches = if glob {
                let files = files.get_or_insert_with(|| list_files(base));
                files.iter().filter(|f| pattern.covers(f)).count()
            } else {
                usize::from(base.join(&pattern.text).exists())
            };
            checks.push(PathCheck {
                pattern: expanded,
                glob,
                matches,
            });
        }
    }
    checks
}

/// Verifies `tasks` (indices into `plan.tasks`). `changes` are the lock's changes for this
/// plan (empty without a lock). `on_command(done, total)` reports progress.
pub fn verify_tasks(
    plan: &Plan,
    tasks: &[usize],
    changes: &[lock::Change],
    options: &Options,
    mut on_command: impl FnMut(usize, usize, &exec::CommandResult),
) -> Vec<TaskReport> {
    let mut specs = Vec::new();
    let mut owner = Vec::new();
    for &t in tasks {
        let task = &plan.tasks[t];
        if task.status == Status::Skipped {
            continue;
        }
        for command in &task.verify {
            specs.push(exec::CommandSpec {
                command: command.clone(),
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
    let mut by_task: rustc_hash::FxHashMap<usize, Vec<exec::CommandResult>> = Default::default();
    for (t, result) in owner.into_iter().zip(results) {
        by_task.entry(t).or_default().push(result);
    }

    let mut files: Option<Vec<String>> = None;
    let mut phase_starts: rustc_hash::FxHashMap<usize, Option<String>> = Default::default();
    tasks
        .iter()
        .map(|&t| {
            let task = &plan.tasks[t];
            let tamper = task.id.as_deref().and_then(|id| {
                changes
                    .iter()
                    .find(|c| c.needs_acceptance() && c.id() == id)
                    .cloned()
            });
            let paths = check_paths(task, &options.base, &mut files);
            let git = options.plan_file.as_deref().and_then(|plan_file| {
                if paths.is_empty() {
                    return None;
                }
                let since = phase_starts.entry(task.phase).or_insert_with(|| {
                    let title = &plan.phases[task.phase].title;
                    (!title.is_empty())
                        .then(|| git::phase_start(&options.base, plan_file, title))
                        .flatten()
                });
                let patterns: Vec<String> = paths.iter().map(|p| p.pattern.clone()).collect();
                git::evidence(&options.base, since.as_deref(), &patterns)
            });
            let mut report = TaskReport {
                task: t,
                verdict: Verdict::Incomplete,
                commands: by_task.remove(&t).unwrap_or_default(),
                paths,
                git,
                acceptance: (
                    task.acceptance
                        .iter()
                        .filter(|a| a.status.is_closed())
                        .count(),
                    task.acceptance.len(),
                ),
                tamper,
            };
            report.verdict = verdict(task.status, &report);
            report
        })
        .collect()
}

/// The verdict for a task with this box and this evidence (see the module table).
pub fn verdict(status: Status, report: &TaskReport) -> Verdict {
    match status {
        Status::Skipped => Verdict::Skipped,
        Status::Done if report.tamper.is_some() => Verdict::Tampered,
        Status::Done if !report.has_evidence() => Verdict::Unverifiable,
        Status::Done if report.evidence_passes() => Verdict::Verified,
        Status::Done => Verdict::FalseDone,
        _ if report.tamper.is_some() => Verdict::Tampered,
        _ if !report.commands.is_empty() && report.evidence_passes() => Verdict::DoneUnticked,
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
}
