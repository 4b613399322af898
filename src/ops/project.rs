//! The project a use case works on, found once per command: the plan file, the repository
//! and code root it lives in, and the shared state beside it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::error::Error;
use crate::config::{ClaimsConfig, Config};
use crate::graph::{self, Dag, Readiness};
use crate::plan::{Plan, Task, formats, store};
use crate::state::{Backend, CLAIMS_ENV, ClaimStore, GitClaims, STATE_ENV, StateStore};
use crate::verify::lock;

/// File names searched for, in this order, in the current directory and its parents.
pub const PLAN_NAMES: &[&str] = &["plan.md", "PLAN.md", "tasks.md"];

/// Who asked for a verification, which decides the plan commands that may run
/// ([`crate::verify::trust`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker<'a> {
    /// A person typed it (`baton verify`, the phase check of a run they started): the plan's
    /// commands run, except one changed since the lock.
    Person,
    /// An agent triggered it (MCP, a hook, a run's gate): only the commands of the lock as
    /// committed at `rev` run.
    Agent { rev: &'a str },
}

/// The plan a command works on, and where everything else is relative to it.
#[derive(Debug)]
pub struct Project {
    pub path: PathBuf,
    /// The path as shown in messages: as given, or relative to the current directory.
    pub shown: String,
    /// baton.toml's claims and state settings, read once: a command asks for them several
    /// times (`has_state`, `state`, `claim_store`), and each ask would read and parse the file.
    settings: OnceLock<Result<ClaimsConfig, String>>,
}

impl Project {
    /// The plan at `path`, shown in messages as `shown`.
    pub fn new(path: PathBuf, shown: String) -> Project {
        Project {
            path,
            shown,
            settings: OnceLock::new(),
        }
    }

    /// `--plan FILE`, else the first of [`PLAN_NAMES`] found upwards from the current directory.
    ///
    /// Upwards, the nearest directory holding any of the names decides: a file there is the
    /// plan, and a directory or a broken link there is reported as such (never skipped for a
    /// plan further up, which the user did not mean).
    pub fn locate(given: Option<&Path>) -> Result<Project, Error> {
        if let Some(project) = given.and_then(Project::source_dir) {
            return Ok(project);
        }
        if let Some(path) = given {
            if let Some(wrong) = not_a_plan_file(path) {
                return Err(Error::input(format!("plan {} {wrong}", path.display()))
                    .with_hint("pass an existing Markdown file with --plan, or run `baton init`"));
            }
            return Ok(Project::new(path.to_path_buf(), path.display().to_string()));
        }
        let cwd = std::env::current_dir()
            .map_err(|e| Error::input(format!("cannot read the current directory: {e}")))?;
        for dir in cwd.ancestors() {
            let mut unusable = None;
            for name in PLAN_NAMES {
                let candidate = dir.join(name);
                let shown = candidate.strip_prefix(&cwd).map_or_else(
                    |_| candidate.display().to_string(),
                    |p| p.display().to_string(),
                );
                match not_a_plan_file(&candidate) {
                    None => {
                        return Ok(Project::new(candidate, shown));
                    }
                    Some(wrong) if candidate.symlink_metadata().is_ok() => {
                        unusable.get_or_insert((shown, wrong));
                    }
                    Some(_) => {}
                }
            }
            if let Some((shown, wrong)) = unusable {
                return Err(Error::input(format!("plan {shown} {wrong}"))
                    .with_hint("make it a Markdown file (or a link to one), or pass --plan FILE"));
            }
        }
        Err(Error::input(format!(
            "no plan found: looked for {} in {} and its parents",
            PLAN_NAMES.join(", "),
            cwd.display()
        ))
        .with_hint("create one with `baton init`, or pass --plan FILE"))
    }

    /// The plan's directory: what scope paths, `.baton/` and templates are relative to.
    pub fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    pub fn load(&self) -> Result<(Vec<u8>, Plan), Error> {
        if let Some(sniffed) = formats::sniff(&self.path) {
            return formats::load(&self.path, sniffed).map_err(|err| {
                Error::input(err.to_string()).with_hint(
                    "baton reads this file as another tool's plan; fix it there, or pass a \
                     Markdown plan with --plan",
                )
            });
        }
        Ok(store::load(&self.path)?)
    }

    /// `--plan DIR` naming a plan that is a folder (Backlog.md's `backlog/` or its `tasks/`).
    fn source_dir(path: &Path) -> Option<Project> {
        (path.is_dir() && formats::sniff(path).is_some())
            .then(|| Project::new(path.to_path_buf(), path.display().to_string()))
    }

    /// Refuses a command that writes the plan (or claims in it) when the plan is another
    /// tool's file, which baton reads but never writes.
    pub fn check_writable(&self) -> Result<(), Error> {
        match formats::read_only_format(&self.path) {
            Some(format) => Err(read_only(&self.shown, format)),
            None => Ok(()),
        }
    }

    /// The state shared by every worktree (and, on PostgreSQL, every clone): the SQLite
    /// file under the repository's git dir, or the server `BATON_STATE` or `state` names.
    pub fn state(&self) -> Result<StateStore, Error> {
        Ok(match self.state_url()? {
            Some(url) => StateStore::open_postgres(&url, &crate::repo::plan_key(&self.path))?,
            None => StateStore::open(&self.path)?,
        })
    }

    /// The PostgreSQL server holding the state, if one does: `BATON_STATE` when set, else
    /// `state` in baton.toml. A value that names neither the file nor a server is refused.
    pub fn state_url(&self) -> Result<Option<String>, Error> {
        if let Some(value) = std::env::var_os(STATE_ENV) {
            let value = value.to_string_lossy();
            return crate::state::parse_state_setting(&value).map_err(|why| {
                Error::usage(format!(
                    "{STATE_ENV}={} names no state store",
                    crate::state::db::redact_url(&value)
                ))
                .with_hint(why)
            });
        }
        Ok(self.claims_settings()?.state_url)
    }

    /// Where claims are decided: `BATON_CLAIMS` when set, else `claims` in baton.toml
    /// (with `claims_remote`). An unknown backend is refused, never replaced by the default.
    pub fn claims_settings(&self) -> Result<ClaimsConfig, Error> {
        let read = self
            .settings
            .get_or_init(|| Config::claims_for_plan(&self.path).map_err(|e| e.to_string()));
        let mut settings = read.clone().map_err(|message| {
            Error::input(message).with_hint("fix baton.toml (docs/config.md); nothing was done")
        })?;
        if let Some(value) = std::env::var_os(CLAIMS_ENV) {
            let value = value.to_string_lossy();
            settings.backend = Backend::parse(value.trim()).ok_or_else(|| {
                Error::usage(format!("{CLAIMS_ENV}={value} names no claims backend"))
                    .with_hint(format!("one of: {}", Backend::NAMES.join(", ")))
            })?;
        }
        Ok(settings)
    }

    /// The store that decides this plan's claims ([`crate::state::ClaimStore`]): the local
    /// SQLite state, or the git remote. Opening it reads nothing remote yet.
    pub fn claim_store(&self) -> Result<Box<dyn ClaimStore>, Error> {
        self.claim_store_with(&self.claims_settings()?)
    }

    fn claim_store_with(&self, settings: &ClaimsConfig) -> Result<Box<dyn ClaimStore>, Error> {
        Ok(match settings.backend {
            Backend::Local => Box::new(self.state()?),
            Backend::Git => Box::new(GitClaims::open(&self.path, &settings.remote)?),
        })
    }

    /// The claims by task id (live and stale), and each task's readiness given the live ones
    /// (indexed like `plan.tasks`).
    pub fn readiness(
        &self,
        plan: &Plan,
    ) -> Result<(HashMap<String, crate::state::Claim>, Vec<Readiness>), Error> {
        let claims = self.claims()?;
        Ok(readiness_given(plan, claims))
    }

    /// How `verify` runs for this plan: commands in the repository's root, scope paths
    /// relative to the plan's directory, history from the plan's git log, and the plan
    /// commands `asker` may run ([`crate::verify::trust`]).
    pub fn verify_options(
        &self,
        jobs: Option<usize>,
        timeout: std::time::Duration,
        tail_bytes: usize,
        asker: Asker<'_>,
    ) -> crate::verify::Options {
        use crate::verify::trust::{Committed, Trust};
        let base = self.dir();
        let repo_root =
            crate::repo::discover(&self.path).map_or_else(|| base.clone(), |r| r.worktree_root);
        let trust = match asker {
            Asker::Person => Trust::Plan,
            Asker::Agent { rev } => Trust::Committed(Committed::read(&repo_root, &self.path, rev)),
        };
        crate::verify::Options {
            jobs: jobs
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
                .max(1),
            timeout,
            tail_bytes,
            repo_root,
            base,
            plan_file: Some(self.path.clone()),
            trust,
        }
    }

    /// What changed in the plan's acceptance criteria since `baton lock` (nothing without a
    /// lock file).
    pub fn lock_changes(&self, plan: &Plan) -> Result<Vec<lock::Change>, Error> {
        let lock_path = lock::LockFile::path_for(&self.path);
        match lock::LockFile::load(&lock_path) {
            Ok(Some(lockfile)) => {
                let key = lock::LockFile::plan_key(&lock_path, &self.path);
                Ok(lockfile.changes(&key, plan))
            }
            Ok(None) => Ok(Vec::new()),
            Err(err) => Err(Error::input(err.to_string()).with_hint(
                "fix or delete the lock file, then `baton lock` to record the criteria again",
            )),
        }
    }

    /// Whether the shared state database exists yet (reading never creates it). A server
    /// always counts as existing (and so does a setting that is wrong: opening reports it).
    pub fn has_state(&self) -> bool {
        if !matches!(self.state_url(), Ok(None)) {
            return true;
        }
        crate::repo::state_dir(&self.path)
            .join(crate::state::DB_FILE)
            .exists()
    }

    /// The plan as every worktree sees it: this worktree's plan.md, with the tasks that were
    /// ticked in another worktree (recorded in the shared state, not yet merged here) counted
    /// as done. Returns the ids of those tasks, so a front end can say this plan.md lags.
    /// Use it to decide what is ready and who holds what; never to verify, which judges this
    /// worktree's own code against this worktree's own boxes.
    pub fn load_shared(&self) -> Result<(Vec<u8>, Plan, Vec<String>), Error> {
        let (bytes, mut plan) = self.load()?;
        let mut lagging = Vec::new();
        if self.has_state() {
            for (id, _, _) in self.state()?.ticks()? {
                if let Some(index) = plan.task(&id).map(|t| t.index)
                    && plan.tasks[index].status == crate::plan::Status::Todo
                {
                    plan.tasks[index].status = crate::plan::Status::Done;
                    lagging.push(id);
                }
            }
        }
        Ok((bytes, plan, lagging))
    }

    /// Claims by task id, live and stale, from the claims backend (the git backend fetches
    /// them first). Reading never creates the local database: with none, nothing is claimed.
    pub fn claims(&self) -> Result<HashMap<String, crate::state::Claim>, Error> {
        let settings = self.claims_settings()?;
        if settings.backend == Backend::Local && !self.has_state() {
            return Ok(HashMap::new());
        }
        Ok(by_task(self.claim_store_with(&settings)?.claims()?))
    }
}

/// Each task's readiness given `claims` (by task id; only live ones hold a task).
pub fn readiness_given(
    plan: &Plan,
    claims: HashMap<String, crate::state::Claim>,
) -> (HashMap<String, crate::state::Claim>, Vec<Readiness>) {
    let now = crate::state::now_rfc3339();
    let owners = claims
        .iter()
        .filter(|(_, c)| c.is_live(&now))
        .map(|(id, c)| (id.clone(), c.owner.clone()))
        .collect();
    let readiness = graph::readiness(plan, &Dag::build(plan), &owners);
    (claims, readiness)
}

/// Claims by task id.
pub fn by_task(claims: Vec<crate::state::Claim>) -> HashMap<String, crate::state::Claim> {
    claims.into_iter().map(|c| (c.task_id.clone(), c)).collect()
}

/// The refusal of a write to a plan in another tool's format.
pub fn read_only(shown: &str, format: formats::Format) -> Error {
    Error::input(format!(
        "{shown} is a {} plan: baton reads it but does not write it; nothing was changed",
        format.name()
    ))
    .with_hint(format!(
        "change it with {} itself; lint, status, next, analyze, prompts and verify read it as it is",
        format.tool()
    ))
}

/// What keeps `path` from being read as a plan: None for a file (or a link to one), else
/// what it is instead, in words for a message.
fn not_a_plan_file(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => None,
        Ok(meta) if meta.is_dir() => Some("is not a file: it is a directory".to_string()),
        Ok(_) => Some("is not a regular file".to_string()),
        Err(err) => match std::fs::symlink_metadata(path) {
            Ok(link) if link.file_type().is_symlink() => {
                let target = std::fs::read_link(path)
                    .map_or_else(|_| "?".to_string(), |t| t.display().to_string());
                Some(if err.kind() == std::io::ErrorKind::NotFound {
                    format!("is a broken symbolic link: its target {target} does not exist")
                } else {
                    format!("is a symbolic link to {target}, which cannot be read: {err}")
                })
            }
            Ok(_) => Some(format!("cannot be read: {err}")),
            Err(_) if err.kind() == std::io::ErrorKind::NotFound => {
                Some("does not exist".to_string())
            }
            Err(_) => Some(format!("cannot be read: {err}")),
        },
    }
}

/// Leaves a plan for the operating system to reclaim when the process exits, instead of
/// freeing it: a command calls this on its way out. A plan of 100,000 tasks is about a million
/// small heap blocks, and freeing them one by one took some 40 ms, longer than the process
/// exit that returns all of the memory at once.
pub fn release_at_exit(plan: Plan) {
    std::mem::forget(plan);
}

/// Finds exactly one task by id, or explains why not (unknown, with the nearest id; or
/// ambiguous, with the lines).
pub fn find_task<'p>(plan: &'p Plan, file: &Project, id: &str) -> Result<&'p Task, Error> {
    let found = plan.find(id);
    match found.as_slice() {
        [task] => Ok(task),
        [] => {
            let ids: Vec<&str> = plan.ids().collect();
            let near = ids
                .iter()
                .filter(|c| c.eq_ignore_ascii_case(id) || strsim::damerau_levenshtein(c, id) <= 1)
                .min_by_key(|c| strsim::damerau_levenshtein(c, id));
            let err = Error::input(format!("no task {id} in {}", file.shown));
            Err(match near {
                Some(near) => err.with_hint(format!("did you mean {near}?")),
                None => err.with_hint("`baton list` shows every task and its id"),
            })
        }
        many => {
            let lines: Vec<String> = many.iter().map(|t| t.line_span.line.to_string()).collect();
            Err(Error::input(format!(
                "task id {id} is used {} times in {} (lines {})",
                many.len(),
                file.shown,
                lines.join(", ")
            ))
            .with_hint("give each task its own id, then try again"))
        }
    }
}

/// Runs the parallelization analysis, turning a dependency loop into a clear input error.
pub fn analysis(
    plan: &Plan,
    file: &Project,
    options: &crate::analyze::Options,
) -> Result<crate::analyze::Analysis, Error> {
    use crate::graph::flow::CycleStep;
    crate::analyze::analyze(plan, options).map_err(|cycle| {
        let steps: Vec<String> = cycle
            .path
            .iter()
            .chain(cycle.path.first())
            .map(|step| match *step {
                CycleStep::Task(t) => plan.tasks[t].display_id(),
                CycleStep::PhaseEnd(k) => format!("the end of phase {}", k + 1),
            })
            .collect();
        let line = cycle
            .path
            .iter()
            .find_map(|s| match *s {
                CycleStep::Task(t) => Some(plan.tasks[t].line_span.line),
                CycleStep::PhaseEnd(_) => None,
            })
            .unwrap_or(1);
        Error::input(format!(
            "{}:{line}: the plan's dependencies loop (each waits for the next): {}",
            file.shown,
            steps.join(" → ")
        ))
        .with_hint("`baton lint` shows every cycle and dependency on a later phase; break the loop, then try again")
    })
}
