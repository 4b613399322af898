//! The audit: what a branch really changed, compared with what its tasks allowed.
//!
//! Why it exists: `verify` checks that ticked work was done, not that nothing else was. A
//! session that also edits another lane's files or the lockfile still passes, and the
//! collision surfaces at merge time. The audit compares the files a branch changed (its
//! commits since it forked from the integration branch, plus the working tree) with the
//! scopes of the tasks it worked on and the scopes other sessions hold by claim, and reports
//! each file that breaks a rule, once. Codes and rules: docs/audit.md.
//!
//! This module prints nothing: [`audit`] takes an [`AuditInput`] and returns an
//! [`AuditReport`] that each front end (the CLI, the MCP server, hooks, `baton run`) shows
//! its own way and judges by `[audit] policy` ([`crate::config::Policy`]).

mod hot;
mod scope;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::AuditConfig;
use crate::git::{ChangeKind, Git, GitError};
use crate::plan::{Plan, ScopeSource, Status, Task};
use crate::state::Claim;

pub use hot::HotSpots;
pub use scope::{Base, Cover, ScopeSet, test_subjects};

/// What to audit.
#[derive(Debug)]
pub struct AuditInput<'a> {
    /// The plan file (its repository, its path within it).
    pub plan_path: &'a Path,
    /// The plan as the caller read it from the working tree.
    pub plan: &'a Plan,
    pub config: &'a AuditConfig,
    /// Compare against this commit, as given; default: where HEAD (or `head`) forked from
    /// the integration branch.
    pub base: Option<&'a str>,
    /// Compare this commit; default: the working tree.
    pub head: Option<&'a str>,
    /// Audit these tasks; empty: the session's claimed tasks and the tasks ticked since
    /// `base`.
    pub tasks: &'a [String],
    /// The session whose work this is (claims by others are other sessions').
    pub session: Option<&'a str>,
    /// The live claims on the plan.
    pub claims: &'a [Claim],
}

/// Why the audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("{} is not in a git repository: the audit compares git history", path.display())]
    NotARepository { path: PathBuf },
    #[error(
        "no integration branch: none of `main`, `master` or `origin/HEAD` exists in {}",
        root.display()
    )]
    NoIntegrationBranch { root: PathBuf },
    #[error("the integration branch `{name}` does not exist in {}", root.display())]
    UnknownIntegrationBranch { name: String, root: PathBuf },
    #[error("`{head}` and `{branch}` share no history: there is no fork point to compare with")]
    NoForkPoint { head: String, branch: String },
    #[error("no task {id} in the plan")]
    UnknownTask { id: String },
    /// The plan is another tool's format and its content at a commit does not read.
    #[error("the plan at {rev}: {source}")]
    Format {
        rev: String,
        source: crate::plan::formats::FormatError,
    },
}

/// Which rule a finding broke (docs/audit.md lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// A001: a file outside every audited task's scope.
    OutOfScope,
    /// A002: a file inside the scope of a task another session has claimed.
    ClaimedElsewhere,
    /// A003: a file deleted outside every audited task's scope.
    Deletion,
    /// A004: a hot spot changed without being in an audited task's scope explicitly.
    HotSpot,
}

impl Code {
    pub fn code(self) -> &'static str {
        match self {
            Code::OutOfScope => "A001",
            Code::ClaimedElsewhere => "A002",
            Code::Deletion => "A003",
            Code::HotSpot => "A004",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Code::OutOfScope => "out-of-scope",
            Code::ClaimedElsewhere => "claimed-elsewhere",
            Code::Deletion => "deletion",
            Code::HotSpot => "hot-spot",
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Another session's claim a finding collides with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    pub task: String,
    pub by: String,
}

/// One file that broke a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    /// The code's name: `out-of-scope`, `claimed-elsewhere`, `deletion`, `hot-spot`.
    pub kind: &'static str,
    /// Root-relative, `/`-separated.
    pub path: String,
    pub change: ChangeKind,
    /// The path a renamed file came from.
    pub from: Option<String>,
    pub message: String,
    /// For [`Code::ClaimedElsewhere`]: whose claim.
    pub claim: Option<Holder>,
}

/// Why a task is among the audited ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Named with `--task`.
    Given,
    /// Claimed by the session.
    Claimed,
    /// Ticked since the base.
    Ticked,
}

/// One task whose scope the changes were held to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditedTask {
    pub id: String,
    pub title: String,
    pub why: Vec<Reason>,
    /// `declared`, `inferred` or `none`.
    pub scope_source: &'static str,
    pub scope: Vec<String>,
    /// Scope entries read as identifiers, not paths.
    pub identifiers: Vec<String>,
}

/// The audit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// The commit compared against (full hash).
    pub base: String,
    /// How it was chosen: the ref given, or `merge-base with BRANCH`.
    pub base_from: String,
    /// The commit compared (full hash); None: the working tree.
    pub head: Option<String>,
    /// The branch checked out, when the working tree was compared.
    pub branch: Option<String>,
    pub tasks: Vec<AuditedTask>,
    /// How many files changed (a rename counts once).
    pub changed: usize,
    /// Sorted by path; at most one per path.
    pub findings: Vec<Finding>,
}

impl AuditReport {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Where an audit looks: the half of [`AuditInput`] that git answers, which needs no
/// parsed plan.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The plan file (its repository, its path within it).
    pub plan_path: &'a Path,
    pub config: &'a AuditConfig,
    /// As [`AuditInput::base`].
    pub base: Option<&'a str>,
    /// As [`AuditInput::head`].
    pub head: Option<&'a str>,
}

impl AuditInput<'_> {
    /// The part of the input [`read_changes`] reads.
    pub fn target(&self) -> Target<'_> {
        Target {
            plan_path: self.plan_path,
            config: self.config,
            base: self.base,
            head: self.head,
        }
    }
}

/// What git says a branch changed, and the plan at the base: the first half of an audit.
/// It needs no parsed plan, so a caller can parse the plan while git walks the working
/// tree ([`read_changes`], then [`judge`]).
#[derive(Debug)]
pub struct Changed {
    root: PathBuf,
    git: Git,
    /// The plan's path from the root, and its folder (empty, or ending in `/`).
    plan_rel: String,
    prefix: String,
    base: String,
    base_from: String,
    head: Option<String>,
    branch: Option<String>,
    changes: Vec<crate::git::Change>,
    plan_at_head: Option<Plan>,
    plan_at_base: AtBase,
}

impl Changed {
    /// The plan at the head commit, when a head was audited and holds the plan.
    pub fn plan_at_head(&self) -> Option<&Plan> {
        self.plan_at_head.as_ref()
    }
}

/// Runs the audit: [`read_changes`], then [`judge`]. Reads git (a few processes whatever
/// the size of the diff) and the plan at the base; writes nothing.
pub fn audit(input: &AuditInput<'_>) -> Result<AuditReport, AuditError> {
    judge(&read_changes(&input.target())?, input)
}

/// The git half of the audit: the base, the changed files, the plan at the base.
///
/// The working tree costs two walks, which dominate: one of the index's files (`diff`
/// against the base) and one of the folders (`ls-files --others`). The second needs no
/// base, so it starts first, beside the search for the base; the plan's reading runs
/// beside the first.
pub fn read_changes(target: &Target<'_>) -> Result<Changed, AuditError> {
    let Some(repo) = crate::repo::discover(target.plan_path) else {
        return Err(AuditError::NotARepository {
            path: target.plan_path.to_path_buf(),
        });
    };
    let root = repo.worktree_root;
    let git = Git::new(&root);
    let plan_rel = relative(target.plan_path, &root);
    let prefix = match plan_rel.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/"),
        None => String::new(),
    };

    let read = std::thread::scope(|s| -> Result<_, AuditError> {
        let untracked = target.head.is_none().then(|| s.spawn(|| git.untracked()));
        let found = find_base(&git, target, &root);
        let ((head, base, base_from), changes, branch, plans) = match found {
            Ok(found) => {
                let (head, base, _) = &found;
                let (git, plan_rel) = (&git, plan_rel.as_str());
                let (side_head, side_base) = (head.clone(), base.clone());
                let side = s.spawn(move || {
                    let branch = match side_head {
                        None => git.current_branch(),
                        Some(_) => Ok(None),
                    };
                    let plans = read_plans(git, target, side_head.as_deref(), &side_base, plan_rel);
                    (branch, plans)
                });
                let changes = match head {
                    Some(h) => git.changes_between(base, h),
                    None => git.tracked_changes_since(base),
                };
                let (branch, plans) = join(side);
                (found, changes, branch, plans)
            }
            Err(err) => {
                // The walk of the folders finishes before the error is told.
                untracked.map(join);
                return Err(err);
            }
        };
        let changes = match untracked {
            Some(untracked) => {
                let untracked = join(untracked);
                changes.and_then(|c| Ok(crate::git::with_untracked(c, untracked?)))
            }
            None => changes,
        };
        Ok((head, base, base_from, changes?, branch?, plans?))
    });
    let (head, base, base_from, changes, branch, (plan_at_head, plan_at_base)) = read?;
    Ok(Changed {
        root,
        git,
        plan_rel,
        prefix,
        base,
        base_from,
        head,
        branch,
        changes,
        plan_at_head,
        plan_at_base,
    })
}

/// A scoped thread's result, its panic passed on.
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The head commit (None: the working tree), the base commit and how it was chosen.
fn find_base(
    git: &Git,
    target: &Target<'_>,
    root: &Path,
) -> Result<(Option<String>, String, String), AuditError> {
    // Two refs given: both resolved at once (the head's error first, as it comes first).
    if let (Some(h), Some(b)) = (target.head, target.base) {
        let (head, base) = std::thread::scope(|s| {
            let base = s.spawn(|| git.rev_parse(b));
            let head = git.rev_parse(h);
            (head, join(base))
        });
        return Ok((Some(head?), base?, b.to_string()));
    }
    let head = match target.head {
        Some(h) => Some(git.rev_parse(h)?),
        None => None,
    };
    let head_rev = head.as_deref().unwrap_or("HEAD");
    if let Some(b) = target.base {
        return Ok((head, git.rev_parse(b)?, b.to_string()));
    }
    // The common case in one process: no branch configured, and `main` exists and shares
    // history with the head. Anything else takes the long way, for its message.
    if target.config.integration_branch.is_none()
        && let Ok(Some(base)) = git.merge_base(head_rev, "refs/heads/main")
    {
        return Ok((head, base, "merge-base with main".to_string()));
    }
    let branch = integration_branch(git, target.config, root)?;
    let base = git
        .merge_base(head_rev, &branch)?
        .ok_or_else(|| AuditError::NoForkPoint {
            head: target.head.unwrap_or("HEAD").to_string(),
            branch: branch.clone(),
        })?;
    Ok((head, base, format!("merge-base with {branch}")))
}

/// The judging half of the audit: `changed` (read for `input`'s target) against the
/// scopes of `input`'s plan, tasks and claims.
pub fn judge(changed: &Changed, input: &AuditInput<'_>) -> Result<AuditReport, AuditError> {
    let Changed {
        root,
        git,
        plan_rel,
        prefix,
        changes,
        plan_at_head,
        plan_at_base,
        ..
    } = changed;
    let plan = plan_at_head.as_ref().unwrap_or(input.plan);

    let scope_base = Base { root, prefix };
    let audited = select_tasks(input, plan, plan_at_base)?;
    let own: Vec<ScopeSet> = audited
        .iter()
        .map(|(t, _)| ScopeSet::build(&t.files, &scope_base))
        .collect();
    let others = other_claims(input, plan, &audited, &scope_base);
    let hot = HotSpots::new(&input.config.hot_spots);
    let judge = Judge {
        git,
        changes,
        by_name: std::cell::OnceCell::new(),
        own: &own,
        own_ids: audited.iter().map(|(t, _)| t.display_id()).collect(),
        others: &others,
        hot: &hot,
        tests_in_scope: input.config.tests_in_scope,
    };

    let mut findings = Vec::new();
    for change in changes {
        let mut paths = vec![(change.path.as_str(), change.kind)];
        if let Some(from) = &change.from {
            paths.push((from.as_str(), ChangeKind::Deleted));
        }
        for (path, kind) in paths {
            if exempt(path, plan_rel) {
                continue;
            }
            if let Some(mut finding) = judge.file(path, kind) {
                if path == change.path {
                    finding.change = change.kind;
                    finding.from.clone_from(&change.from);
                }
                findings.push(finding);
            }
        }
    }
    findings.sort_by(|a, b| a.path.cmp(&b.path));
    findings.dedup_by(|a, b| a.path == b.path);

    let tasks = audited
        .iter()
        .zip(&own)
        .map(|((t, why), set)| AuditedTask {
            id: t.display_id(),
            title: t.title.clone(),
            why: why.clone(),
            scope_source: match t.scope_source {
                ScopeSource::Declared => "declared",
                ScopeSource::Inferred => "inferred",
                ScopeSource::None => "none",
            },
            scope: t.files.to_vec(),
            identifiers: set.identifiers.clone(),
        })
        .collect();
    Ok(AuditReport {
        base: changed.base.clone(),
        base_from: changed.base_from.clone(),
        head: changed.head.clone(),
        branch: changed.branch.clone(),
        tasks,
        changed: changes.len(),
        findings,
    })
}

/// The branch work merges into: `[audit] integration_branch`, else `main`, `master`, or
/// what `origin/HEAD` points at, whichever exists first.
pub fn integration_branch(
    git: &Git,
    config: &AuditConfig,
    root: &Path,
) -> Result<String, AuditError> {
    if let Some(name) = &config.integration_branch {
        if git.resolves(name) {
            return Ok(name.clone());
        }
        return Err(AuditError::UnknownIntegrationBranch {
            name: name.clone(),
            root: root.to_path_buf(),
        });
    }
    for name in ["refs/heads/main", "refs/heads/master"] {
        if git.resolves(name) {
            return Ok(name.trim_start_matches("refs/heads/").to_string());
        }
    }
    git.origin_head()
        .ok_or_else(|| AuditError::NoIntegrationBranch {
            root: root.to_path_buf(),
        })
}

/// The plan at the base, as far as ticks go.
#[derive(Debug)]
enum AtBase {
    /// Byte for byte the plan compared: nothing was ticked since.
    Same,
    /// Not there: every done task was ticked since.
    Missing,
    Plan(Box<Plan>),
}

/// The plan at `head` when one is given and holds it (None: the caller's plan), and the
/// plan at the base (parsed only when it differs). The two versions are read at once, and
/// parsed at once when both are needed.
fn read_plans(
    git: &Git,
    input: &Target<'_>,
    head: Option<&str>,
    base: &str,
    plan_rel: &str,
) -> Result<(Option<Plan>, AtBase), AuditError> {
    if crate::plan::formats::read_only_format(input.plan_path)
        == Some(crate::plan::formats::Format::Backlog)
    {
        let at_head = match head {
            Some(h) => folder_plan_at(git, h, plan_rel, input.plan_path)?,
            None => None,
        };
        let at_base = match folder_plan_at(git, base, plan_rel, input.plan_path)? {
            Some(plan) => AtBase::Plan(Box::new(plan)),
            None => AtBase::Missing,
        };
        return Ok((at_head, at_base));
    }
    std::thread::scope(|s| {
        let at_base = s.spawn(|| git.show_file(base, plan_rel));
        let now = match head {
            Some(h) => git.show_file(h, plan_rel),
            None => Ok(std::fs::read(input.plan_path).ok()),
        };
        let at_base = join(at_base);
        let (now, at_base) = (now?, at_base?);
        // Another tool's format (a Taskmaster tasks.json...) is converted, never read as
        // Markdown: that would be a plan of no tasks, and an audit of nothing.
        let format = crate::plan::formats::read_only_format(input.plan_path);
        let parse = move |rev: &str, bytes: &[u8]| match format {
            None => Ok(crate::plan::parse(bytes)),
            Some(format) => crate::plan::formats::parse_source(input.plan_path, format, bytes)
                .map_err(|source| AuditError::Format {
                    rev: rev.to_string(),
                    source,
                }),
        };
        let base_plan = match at_base {
            None => return Ok((head_plan(head, now.as_deref(), &parse)?, AtBase::Missing)),
            Some(bytes) if now.as_ref() == Some(&bytes) => {
                return Ok((head_plan(head, now.as_deref(), &parse)?, AtBase::Same));
            }
            Some(bytes) => bytes,
        };
        let parsed = s.spawn(move || parse(base, &base_plan));
        let at_head = head_plan(head, now.as_deref(), &parse)?;
        Ok((at_head, AtBase::Plan(Box::new(join(parsed)?))))
    })
}

/// A Backlog.md folder as it was at `rev`: its files copied out of git into a temp dir and
/// read there (None when the folder did not exist at `rev`).
fn folder_plan_at(
    git: &Git,
    rev: &str,
    plan_rel: &str,
    plan_path: &Path,
) -> Result<Option<Plan>, AuditError> {
    let folder = plan_rel.trim_end_matches('/');
    let listed = git.read(&[
        "ls-tree",
        "-r",
        "-z",
        "--name-only",
        rev,
        "--",
        &format!("{folder}/"),
    ])?;
    let files: Vec<&str> = listed
        .split(|&b| b == 0)
        .filter_map(|f| std::str::from_utf8(f).ok())
        .filter(|f| !f.is_empty())
        .collect();
    if files.is_empty() {
        return Ok(None);
    }
    let format_error = |message: String| AuditError::Format {
        rev: rev.to_string(),
        source: crate::plan::formats::FormatError::at(plan_path, 1, message),
    };
    let tmp =
        tempfile::tempdir().map_err(|e| format_error(format!("cannot make a temp dir: {e}")))?;
    let copy = tmp.path().join("plan");
    for file in files {
        let Some(rel) = file.strip_prefix(folder).map(|r| r.trim_start_matches('/')) else {
            continue;
        };
        let Some(bytes) = git.show_file(rev, file)? else {
            continue;
        };
        let to = copy.join(rel);
        to.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&to, bytes))
            .map_err(|e| format_error(format!("cannot copy {file}: {e}")))?;
    }
    let sniffed = crate::plan::formats::Sniffed::Format(crate::plan::formats::Format::Backlog);
    crate::plan::formats::load(&copy, sniffed)
        .map(|(_, plan)| Some(plan))
        .map_err(|source| AuditError::Format {
            rev: rev.to_string(),
            source,
        })
}

/// The head's plan parsed, when a head commit is audited and holds one.
fn head_plan(
    head: Option<&str>,
    bytes: Option<&[u8]>,
    parse: &impl Fn(&str, &[u8]) -> Result<Plan, AuditError>,
) -> Result<Option<Plan>, AuditError> {
    match (head, bytes) {
        (Some(h), Some(bytes)) => parse(h, bytes).map(Some),
        _ => Ok(None),
    }
}

/// `--task` ids, else the session's claimed tasks and the tasks ticked since the base.
fn select_tasks<'p>(
    input: &AuditInput<'_>,
    plan: &'p Plan,
    at_base: &AtBase,
) -> Result<Vec<(&'p Task, Vec<Reason>)>, AuditError> {
    let mut chosen: Vec<(&Task, Vec<Reason>)> = Vec::new();
    let mut add = |task: &'p Task, why: Reason| match chosen
        .iter_mut()
        .find(|(t, _)| t.index == task.index)
    {
        Some((_, reasons)) => {
            if !reasons.contains(&why) {
                reasons.push(why);
            }
        }
        None => chosen.push((task, vec![why])),
    };
    if !input.tasks.is_empty() {
        for id in input.tasks {
            let found = plan.find(id);
            if found.is_empty() {
                return Err(AuditError::UnknownTask { id: id.clone() });
            }
            for task in found {
                add(task, Reason::Given);
            }
        }
        return Ok(chosen);
    }
    if let Some(session) = input.session {
        for claim in input.claims.iter().filter(|c| c.owner == session) {
            for task in plan.find(&claim.task_id) {
                add(task, Reason::Claimed);
            }
        }
    }
    // Ticked since the base: done now, not done (or not there) then. Tasks are matched by
    // id, or by their text when they have none.
    let done_before: rustc_hash::FxHashSet<String> = match at_base {
        AtBase::Same => {
            chosen.sort_by_key(|(t, _)| t.index);
            return Ok(chosen);
        }
        AtBase::Missing => Default::default(),
        AtBase::Plan(p) => p
            .tasks
            .iter()
            .filter(|t| t.status == Status::Done)
            .map(task_key)
            .collect(),
    };
    for task in plan.tasks.iter().filter(|t| t.status == Status::Done) {
        if !done_before.contains(&task_key(task)) {
            add(task, Reason::Ticked);
        }
    }
    chosen.sort_by_key(|(t, _)| t.index);
    Ok(chosen)
}

fn task_key(task: &Task) -> String {
    match &task.id {
        Some(id) => format!("id:{id}"),
        None => format!("text:{}", task.title),
    }
}

/// Other sessions' live claims on tasks not audited, with those tasks' scopes.
fn other_claims(
    input: &AuditInput<'_>,
    plan: &Plan,
    audited: &[(&Task, Vec<Reason>)],
    base: &Base<'_>,
) -> Vec<(Holder, ScopeSet)> {
    let mut out = Vec::new();
    for claim in input.claims {
        if input.session == Some(claim.owner.as_str()) {
            continue;
        }
        for task in plan.find(&claim.task_id) {
            if audited.iter().any(|(t, _)| t.index == task.index) {
                continue;
            }
            let set = ScopeSet::build(&task.files, base);
            if !set.is_empty() {
                let holder = Holder {
                    task: claim.task_id.clone(),
                    by: claim.owner.clone(),
                };
                out.push((holder, set));
            }
        }
    }
    out
}

/// The plan itself and baton's own files (`.baton/`: the criteria lock) are never findings.
fn exempt(path: &str, plan_rel: &str) -> bool {
    path == plan_rel || path.split('/').any(|s| s == ".baton")
}

/// The rules for one file.
struct Judge<'a> {
    git: &'a Git,
    changes: &'a [crate::git::Change],
    /// The repository's files (tracked and changed) by file name, read the first time a
    /// test needs it.
    by_name: std::cell::OnceCell<rustc_hash::FxHashMap<String, Vec<String>>>,
    own: &'a [ScopeSet],
    own_ids: Vec<String>,
    others: &'a [(Holder, ScopeSet)],
    hot: &'a HotSpots,
    tests_in_scope: bool,
}

impl Judge<'_> {
    fn file(&self, path: &str, kind: ChangeKind) -> Option<Finding> {
        let finding = |code: Code, message: String| Finding {
            code,
            kind: code.name(),
            path: path.to_string(),
            change: kind,
            from: None,
            message,
            claim: None,
        };
        if let Some((holder, _)) = self.others.iter().find(|(_, s)| s.covers(path).is_some()) {
            let mut f = finding(
                Code::ClaimedElsewhere,
                format!(
                    "inside the scope of {}, which {} has claimed",
                    holder.task, holder.by
                ),
            );
            f.claim = Some(holder.clone());
            return Some(f);
        }
        let cover = self
            .own
            .iter()
            .filter_map(|s| s.covers(path))
            .min_by_key(|c| *c != Cover::Explicit);
        if let Some(what) = self.hot.kind(path) {
            if cover == Some(Cover::Explicit) {
                return None;
            }
            return Some(finding(
                Code::HotSpot,
                format!(
                    "{what} changed outside {}",
                    self.scopes("an explicit scope of")
                ),
            ));
        }
        if cover.is_some() || self.tests_a_scope(path) {
            return None;
        }
        Some(if kind == ChangeKind::Deleted {
            finding(
                Code::Deletion,
                format!("deleted outside {}", self.scopes("the scope of")),
            )
        } else {
            finding(
                Code::OutOfScope,
                format!("outside {}", self.scopes("the scope of")),
            )
        })
    }

    /// "the scope of T1, T2", or a note that no task was audited.
    fn scopes(&self, what: &str) -> String {
        if self.own_ids.is_empty() {
            "any task (no task claimed, ticked or given)".to_string()
        } else {
            format!("{what} {}", self.own_ids.join(", "))
        }
    }

    /// A test of a file an audited task's scope covers (when `tests_in_scope`).
    fn tests_a_scope(&self, path: &str) -> bool {
        if !self.tests_in_scope {
            return false;
        }
        let Some((name, candidates)) = test_subjects(path) else {
            return false;
        };
        let direct = self.own.iter().any(|s| {
            s.names_file(&name)
                || candidates
                    .iter()
                    .any(|c| s.covers(c) == Some(Cover::Explicit))
        });
        if direct {
            return true;
        }
        // A file of that name elsewhere in the repository that a scope covers.
        let by_name = self.by_name.get_or_init(|| self.files_by_name());
        by_name.get(name.as_str()).is_some_and(|paths| {
            paths.iter().any(|p| {
                p != path
                    && test_subjects(p).is_none()
                    && self
                        .own
                        .iter()
                        .any(|s| s.covers(p) == Some(Cover::Explicit))
            })
        })
    }

    fn files_by_name(&self) -> rustc_hash::FxHashMap<String, Vec<String>> {
        let tracked = self
            .git
            .read(&["ls-files", "-z", "--full-name", "--", ":/"])
            .unwrap_or_default();
        let mut map: rustc_hash::FxHashMap<String, Vec<String>> = Default::default();
        let changed = self.changes.iter().map(|c| c.path.clone());
        let listed = tracked
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned());
        for path in listed.chain(changed) {
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            map.entry(name).or_default().push(path);
        }
        for paths in map.values_mut() {
            paths.sort_unstable();
            paths.dedup();
        }
        map
    }
}

/// `path` relative to `root`, `/`-separated (the path itself when it is not below root).
fn relative(path: &Path, root: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let rel = abs.strip_prefix(root).unwrap_or(&abs);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests;
