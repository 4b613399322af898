//! Tamper-evident acceptance criteria.
//!
//! An agent told to make a task pass can pass it the cheap way: turn its `verify` command
//! into `true`, or delete the acceptance item it cannot meet. Neither shows up as failure;
//! both look like progress. The lock records what every task promised when a human last
//! agreed to it — its `verify` commands, acceptance items and `done when` text — so that a
//! later weakening is reported with the before and after text instead of passing silently.
//!
//! The lock lives in `<plan dir>/.baton/lock.json`, keyed by the plan's path relative to that
//! directory, so it is portable across machines and meant to be committed: git then shows who
//! changed the lock itself, and a hand edit that does not also fix a task's hash is refused
//! on load.
//!
//! What counts as a change is deliberate:
//! - the title is kept for display only: rewording a task does not weaken it;
//! - acceptance items are compared by text only: ticking them off is progress, not tampering;
//! - order matters: the digest is over the items in order, and reordering is shown as a diff.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::plan::{Plan, Task};

/// The version written in every lock file; a file with another version is refused.
pub const LOCK_VERSION: u32 = 1;
/// The directory beside the plan that holds the lock.
pub const LOCK_DIR: &str = ".baton";
/// The lock's file name inside [`LOCK_DIR`].
pub const LOCK_FILE: &str = "lock.json";
/// Names the digest in every stored hash, so a future algorithm cannot be mistaken for it.
const HASH_PREFIX: &str = "fnv1a64:";

/// What a task promises: compared as a whole, shown item by item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criteria {
    /// The task's title, for context in diffs. Not part of [`Criteria::hash`].
    pub title: String,
    /// The task's `verify` commands.
    pub verify: Vec<String>,
    /// The text of the task's acceptance checkboxes, without their status.
    pub acceptance: Vec<String>,
    /// The task's `done when` text.
    pub done_when: Vec<String>,
}

impl Criteria {
    /// The criteria a task states now.
    pub fn of(task: &Task) -> Criteria {
        Criteria {
            title: task.title.clone(),
            verify: task.verify.to_vec(),
            acceptance: task.acceptance.iter().map(|a| a.text.clone()).collect(),
            done_when: task.done_when.to_vec(),
        }
    }

    /// A stable hex digest of `verify`, `acceptance` and `done_when`, in that order.
    ///
    /// Every list and every item is length-prefixed before hashing, so moving text between
    /// items or between lists changes the digest (`["a b"]` and `["a", "b"]` differ). FNV-1a
    /// is enough here: the lock guards against accidental or lazy weakening and is reviewed
    /// in git, so it needs stability across platforms and versions, not collision
    /// resistance against someone crafting inputs — and it costs no dependency.
    pub fn hash(&self) -> String {
        let mut h = Fnv1a64::new();
        for (name, items) in self.sections() {
            h.field(name.as_bytes());
            h.write(&(items.len() as u64).to_le_bytes());
            for item in items {
                h.field(item.as_bytes());
            }
        }
        format!("{HASH_PREFIX}{:016x}", h.finish())
    }

    /// The hashed lists with their display names, in hash order.
    pub fn sections(&self) -> [(&'static str, &[String]); 3] {
        [
            ("verify", &self.verify),
            ("acceptance", &self.acceptance),
            ("done when", &self.done_when),
        ]
    }

    /// Whether the task promises anything at all (an empty promise is still lockable: adding
    /// a verify command later is a change worth seeing too).
    pub fn is_empty(&self) -> bool {
        self.sections().iter().all(|(_, items)| items.is_empty())
    }
}

/// 64-bit FNV-1a. Written out here because it is a dozen lines and its output must never
/// change under us, which a dependency's minor version could not promise.
struct Fnv1a64(u64);

impl Fnv1a64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv1a64 {
        Fnv1a64(Self::OFFSET)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// A length-prefixed byte string, so that concatenations cannot collide.
    fn field(&mut self, bytes: &[u8]) {
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// How a plan's criteria differ from its lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// In the lock, criteria differ now.
    Changed {
        id: String,
        before: Criteria,
        after: Criteria,
    },
    /// In the lock, no task with that id any more.
    Removed { id: String, before: Criteria },
    /// A task with an id not in the lock (new since locking): not tampering, reported as info.
    Unlocked { id: String },
}

impl Change {
    pub fn id(&self) -> &str {
        match self {
            Change::Changed { id, .. } | Change::Removed { id, .. } | Change::Unlocked { id } => id,
        }
    }

    /// Changed and removed criteria need a human to accept them; a new task does not.
    pub fn needs_acceptance(&self) -> bool {
        !matches!(self, Change::Unlocked { .. })
    }

    /// A stable name for JSON and messages: `changed`, `removed` or `unlocked`.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Changed { .. } => "changed",
            Change::Removed { .. } => "removed",
            Change::Unlocked { .. } => "unlocked",
        }
    }
}

/// Why a task cannot be locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlockableReason {
    /// The task has no id, and the lock is keyed by id.
    NoId,
    /// An earlier task has the same id; the lock follows the first one (as `Plan::task`
    /// does), so a weakened copy placed *before* the original is still caught.
    DuplicateId,
}

/// A task the lock cannot cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlockable {
    /// Position in `Plan::tasks`.
    pub index: usize,
    pub id: Option<String>,
    pub title: String,
    pub line: u32,
    pub reason: UnlockableReason,
}

/// Tasks the lock cannot cover, in plan order: those without an id and repeats of an id.
pub fn unlockable(plan: &Plan) -> Vec<Unlockable> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for task in &plan.tasks {
        let reason = match &task.id {
            None => UnlockableReason::NoId,
            Some(id) if !seen.insert(id.as_str()) => UnlockableReason::DuplicateId,
            Some(_) => continue,
        };
        out.push(Unlockable {
            index: task.index,
            id: task.id.clone(),
            title: task.title.clone(),
            line: task.line_span.line,
            reason,
        });
    }
    out
}

/// The first task of each id, in plan order: the tasks the lock covers.
fn lockable(plan: &Plan) -> impl Iterator<Item = (&str, &Task)> {
    let mut seen = HashSet::new();
    plan.tasks.iter().filter_map(move |t| {
        let id = t.id.as_deref()?;
        seen.insert(id).then_some((id, t))
    })
}

/// One task as locked: the digest that is compared, and the criteria it was taken from, shown
/// as "before" when they change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedTask {
    pub hash: String,
    pub criteria: Criteria,
}

impl LockedTask {
    pub fn new(criteria: Criteria) -> LockedTask {
        LockedTask {
            hash: criteria.hash(),
            criteria,
        }
    }
}

/// The lock file: `{"version": 1, "plans": {"<plan key>": {"<task id>": LockedTask}}}`.
///
/// Maps are `BTreeMap`s so the file's key order is stable and diffs in git stay small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockFile {
    version: u32,
    plans: BTreeMap<String, BTreeMap<String, LockedTask>>,
}

impl Default for LockFile {
    fn default() -> LockFile {
        LockFile::new()
    }
}

/// Reading the version alone, so a file from a newer baton is named as such rather than
/// reported as malformed because a field moved.
#[derive(Deserialize)]
struct VersionProbe {
    version: u64,
}

impl LockFile {
    /// An empty lock of the current version.
    pub fn new() -> LockFile {
        LockFile {
            version: LOCK_VERSION,
            plans: BTreeMap::new(),
        }
    }

    /// `<plan dir>/.baton/lock.json`.
    pub fn path_for(plan_path: &Path) -> PathBuf {
        let dir = plan_path.parent().unwrap_or(Path::new(""));
        dir.join(LOCK_DIR).join(LOCK_FILE)
    }

    /// The key naming `plan_path` inside the lock at `lock_path`: the plan's path relative to
    /// the lock directory's parent, with `/` separators (`plan.md`, `docs/tasks.md`), so the
    /// same file means the same key on every machine. Falls back to the plan's file name
    /// when the plan does not sit under that directory.
    pub fn plan_key(lock_path: &Path, plan_path: &Path) -> String {
        let base = lock_path
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        let relative = |base: &Path, plan: &Path| -> Option<String> {
            let rel = plan.strip_prefix(base).ok()?;
            let parts = rel
                .components()
                .filter(|c| !matches!(c, Component::CurDir))
                .map(|c| match c {
                    Component::Normal(s) => s.to_str().map(str::to_string),
                    _ => None,
                })
                .collect::<Option<Vec<String>>>()?;
            (!parts.is_empty()).then(|| parts.join("/"))
        };
        if let Some(key) = relative(base, plan_path) {
            return key;
        }
        // One path absolute and the other relative, or `..` in one: compare real paths.
        let canonical_base = if base.as_os_str().is_empty() {
            fs::canonicalize(".")
        } else {
            fs::canonicalize(base)
        };
        if let (Ok(b), Ok(p)) = (canonical_base, fs::canonicalize(plan_path))
            && let Some(key) = relative(&b, &p)
        {
            return key;
        }
        plan_path
            .file_name()
            .map_or_else(|| "plan".to_string(), |n| n.to_string_lossy().into_owned())
    }

    /// Reads a lock file; `None` when there is none.
    ///
    /// Refuses a file that does not parse, has another version, or whose stored hash does
    /// not match its stored criteria: the last means the criteria were edited by hand, and
    /// trusting them would let the lock itself be weakened.
    pub fn load(path: &Path) -> Result<Option<LockFile>, LockError> {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(LockError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        LockFile::parse(path, &bytes).map(Some)
    }

    /// Reads a lock from its bytes (`path` names it in errors): the same refusals as
    /// [`LockFile::load`]. Used for a lock read from a commit rather than the disk.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<LockFile, LockError> {
        let file: LockFile = match serde_json::from_slice(bytes) {
            Ok(file) => file,
            Err(err) => {
                if let Ok(probe) = serde_json::from_slice::<VersionProbe>(bytes)
                    && probe.version != u64::from(LOCK_VERSION)
                {
                    return Err(LockError::Version {
                        path: path.to_path_buf(),
                        found: probe.version,
                    });
                }
                return Err(LockError::malformed(path, &err));
            }
        };
        if file.version != LOCK_VERSION {
            return Err(LockError::Version {
                path: path.to_path_buf(),
                found: u64::from(file.version),
            });
        }
        for (plan, tasks) in &file.plans {
            for (id, locked) in tasks {
                if locked.criteria.hash() != locked.hash {
                    return Err(LockError::HashMismatch {
                        path: path.to_path_buf(),
                        plan: plan.clone(),
                        id: id.clone(),
                    });
                }
            }
        }
        Ok(file)
    }

    /// Whether the lock holds entries for this plan (possibly none, for a plan without ids).
    pub fn has_plan(&self, plan_key: &str) -> bool {
        self.plans.contains_key(plan_key)
    }

    /// The locked tasks of one plan, by id.
    pub fn tasks(&self, plan_key: &str) -> Option<&BTreeMap<String, LockedTask>> {
        self.plans.get(plan_key)
    }

    /// How many tasks of this plan are locked.
    pub fn locked_count(&self, plan_key: &str) -> usize {
        self.plans.get(plan_key).map_or(0, BTreeMap::len)
    }

    /// Replaces this plan's entries with the criteria every task states now. Returns the
    /// tasks that could not be locked (no id, or a repeated id), in plan order.
    pub fn record(&mut self, plan_key: &str, plan: &Plan) -> Vec<Unlockable> {
        let tasks = lockable(plan)
            .map(|(id, task)| (id.to_string(), LockedTask::new(Criteria::of(task))))
            .collect();
        self.plans.insert(plan_key.to_string(), tasks);
        unlockable(plan)
    }

    /// How the plan differs from its lock: changed and new tasks in plan order, then removed
    /// ones in id order. A plan the lock has never seen reports every task as unlocked.
    pub fn changes(&self, plan_key: &str, plan: &Plan) -> Vec<Change> {
        let empty = BTreeMap::new();
        let locked = self.plans.get(plan_key).unwrap_or(&empty);
        let mut out = Vec::new();
        let mut present = HashSet::new();
        for (id, task) in lockable(plan) {
            present.insert(id);
            let after = Criteria::of(task);
            match locked.get(id) {
                None => out.push(Change::Unlocked { id: id.to_string() }),
                Some(entry) if entry.hash != after.hash() => out.push(Change::Changed {
                    id: id.to_string(),
                    before: entry.criteria.clone(),
                    after,
                }),
                Some(_) => {}
            }
        }
        for (id, entry) in locked {
            if !present.contains(id.as_str()) {
                out.push(Change::Removed {
                    id: id.clone(),
                    before: entry.criteria.clone(),
                });
            }
        }
        out
    }

    /// Writes the lock as pretty JSON with a trailing newline, creating its directory. The
    /// text goes to a temporary file in the same directory that is then renamed over the
    /// lock, so a crash or a concurrent reader never sees half a file.
    pub fn save(&self, path: &Path) -> Result<(), LockError> {
        let write_err = |source| LockError::Write {
            path: path.to_path_buf(),
            source,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir).map_err(write_err)?;
        let mut text =
            serde_json::to_vec_pretty(self).map_err(|e| write_err(io::Error::other(e)))?;
        text.push(b'\n');
        let mut tmp = tempfile::Builder::new()
            .prefix(".lock-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(write_err)?;
        tmp.write_all(&text).map_err(write_err)?;
        tmp.as_file().sync_all().map_err(write_err)?;
        tmp.persist(path).map_err(|e| write_err(e.error))?;
        Ok(())
    }
}

/// One line of an item diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// A line diff of two item lists (longest common subsequence), removals before additions
/// where both happen at one place. Lists are a task's few items, so quadratic is fine.
pub fn diff_items<'a>(before: &'a [String], after: &'a [String]) -> Vec<DiffLine<'a>> {
    let (n, m) = (before.len(), after.len());
    // lcs[i][j]: length of the longest common subsequence of before[i..] and after[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if before[i] == after[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && before[i] == after[j] {
            out.push(DiffLine::Same(&before[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::Removed(&before[i]));
            i += 1;
        } else {
            out.push(DiffLine::Added(&after[j]));
            j += 1;
        }
    }
    out
}

/// Why a lock could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}:{line}:{column}: malformed lock file: {message}", path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{}: lock file version {found}; this baton reads version {LOCK_VERSION}",
        path.display()
    )]
    Version { path: PathBuf, found: u64 },
    #[error(
        "{}: the stored hash of {id} (plan {plan}) does not match its stored criteria: the lock was edited by hand",
        path.display()
    )]
    HashMismatch {
        path: PathBuf,
        plan: String,
        id: String,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl LockError {
    fn malformed(path: &Path, err: &serde_json::Error) -> LockError {
        // serde_json's message ends with " at line L column C"; the position is kept in its
        // own fields so it can be shown as `file:L:C`.
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
        LockError::Malformed {
            path: path.to_path_buf(),
            line: err.line(),
            column: err.column(),
            message,
        }
    }

    /// The file exists but its content cannot be trusted (malformed, another version, or
    /// edited by hand): `baton lock --update` may replace it, nothing else may.
    pub fn is_bad_content(&self) -> bool {
        matches!(
            self,
            LockError::Malformed { .. }
                | LockError::Version { .. }
                | LockError::HashMismatch { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;

    fn plan(text: &str) -> Plan {
        parse::parse(text.as_bytes())
    }

    const PLAN: &str = "# P\n\n## Phase 1: One\n\n\
- [ ] T1 Parser\n  - verify: `cargo test parse`\n  - [ ] parses headings\n  - [ ] handles CRLF\n\
- [ ] T2 Printer\n  - done when: output is stable\n\
- [ ] An unnamed task\n";

    #[test]
    fn hash_is_stable_and_ignores_the_title() {
        let c = Criteria {
            title: "a".into(),
            verify: vec!["cargo test".into()],
            acceptance: vec!["x".into()],
            done_when: vec![],
        };
        // Pinned: the lock is committed, so the digest must never drift between versions.
        assert_eq!(c.hash(), "fnv1a64:a8273db3ad34bacf");
        let retitled = Criteria {
            title: "b".into(),
            ..c.clone()
        };
        assert_eq!(c.hash(), retitled.hash());
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        for (input, expected) in [
            ("", 0xcbf2_9ce4_8422_2325_u64),
            ("a", 0xaf63_dc4c_8601_ec8c),
            ("foobar", 0x8594_4171_f739_67e8),
        ] {
            let mut h = Fnv1a64::new();
            h.write(input.as_bytes());
            assert_eq!(h.finish(), expected, "{input:?}");
        }
    }

    #[test]
    fn hash_separates_items_lists_and_order() {
        let base = Criteria {
            title: String::new(),
            verify: vec!["a".into(), "b".into()],
            acceptance: vec![],
            done_when: vec![],
        };
        let joined = Criteria {
            verify: vec!["ab".into()],
            ..base.clone()
        };
        let swapped = Criteria {
            verify: vec!["b".into(), "a".into()],
            ..base.clone()
        };
        let moved = Criteria {
            verify: vec!["a".into()],
            acceptance: vec!["b".into()],
            ..base.clone()
        };
        let hashes: HashSet<String> = [&base, &joined, &swapped, &moved]
            .iter()
            .map(|c| c.hash())
            .collect();
        assert_eq!(hashes.len(), 4);
    }

    #[test]
    fn record_locks_tasks_with_ids_and_lists_the_rest() {
        let p = plan(PLAN);
        let mut lock = LockFile::new();
        let skipped = lock.record("plan.md", &p);
        assert_eq!(lock.locked_count("plan.md"), 2);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].reason, UnlockableReason::NoId);
        let t1 = &lock.tasks("plan.md").unwrap()["T1"];
        assert_eq!(t1.criteria.verify, vec!["cargo test parse"]);
        assert_eq!(
            t1.criteria.acceptance,
            vec!["parses headings", "handles CRLF"]
        );
        assert!(lock.changes("plan.md", &p).is_empty());
    }

    #[test]
    fn weakening_is_a_change_and_ticking_is_not() {
        let mut lock = LockFile::new();
        lock.record("plan.md", &plan(PLAN));
        let ticked = PLAN
            .replace("- [ ] parses", "- [x] parses")
            .replace("- [ ] T1 Parser", "- [x] T1 Parser, renamed");
        assert!(lock.changes("plan.md", &plan(&ticked)).is_empty());

        let weakened = PLAN
            .replace("`cargo test parse`", "`true`")
            .replace("  - [ ] handles CRLF\n", "");
        let changes = lock.changes("plan.md", &plan(&weakened));
        assert_eq!(changes.len(), 1);
        let Change::Changed { id, before, after } = &changes[0] else {
            panic!("{changes:?}")
        };
        assert_eq!(id, "T1");
        assert_eq!(before.verify, vec!["cargo test parse"]);
        assert_eq!(after.verify, vec!["true"]);
        assert_eq!(after.acceptance, vec!["parses headings"]);
    }

    #[test]
    fn removed_come_last_and_new_tasks_are_unlocked() {
        let mut lock = LockFile::new();
        lock.record("plan.md", &plan(PLAN));
        let edited = PLAN
            .replace("- [ ] T2 Printer\n  - done when: output is stable\n", "")
            .replace("- [ ] An unnamed task\n", "- [ ] T3 New\n");
        let changes = lock.changes("plan.md", &plan(&edited));
        let kinds: Vec<(&str, &str)> = changes.iter().map(|c| (c.kind(), c.id())).collect();
        assert_eq!(kinds, vec![("unlocked", "T3"), ("removed", "T2")]);
        assert!(!changes[0].needs_acceptance());
        assert!(changes[1].needs_acceptance());
    }

    #[test]
    fn duplicate_ids_follow_the_first_task() {
        let mut lock = LockFile::new();
        let text = "# P\n- [ ] T1 a\n  - verify: `x`\n- [ ] T1 b\n  - verify: `y`\n";
        let skipped = lock.record("plan.md", &plan(text));
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].reason, UnlockableReason::DuplicateId);
        assert_eq!(
            lock.tasks("plan.md").unwrap()["T1"].criteria.verify,
            vec!["x"]
        );
        // A weakened copy slipped in before the original is the one compared.
        let sneaky = "# P\n- [ ] T1 a\n  - verify: `true`\n- [ ] T1 a\n  - verify: `x`\n";
        assert_eq!(lock.changes("plan.md", &plan(sneaky)).len(), 1);
    }

    #[test]
    fn save_and_load_round_trip_with_stable_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = LockFile::path_for(&dir.path().join("plan.md"));
        assert_eq!(LockFile::load(&path).unwrap(), None);
        let mut lock = LockFile::new();
        lock.record("plan.md", &plan(PLAN));
        lock.save(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("{\n  \"version\": 1,\n  \"plans\": {\n"),
            "{text}"
        );
        assert!(text.ends_with("}\n"));
        assert_eq!(LockFile::load(&path).unwrap(), Some(lock.clone()));
        lock.save(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn load_refuses_malformed_versions_and_hand_edits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock.json");
        fs::write(&path, "{\n  \"version\": 1,\n  \"plans\": [\n").unwrap();
        let err = LockFile::load(&path).unwrap_err();
        assert!(
            matches!(err, LockError::Malformed { line: 3, .. }),
            "{err:?}"
        );
        assert!(err.is_bad_content());

        fs::write(&path, "{\"version\": 2, \"plans\": {}, \"more\": true}").unwrap();
        let err = LockFile::load(&path).unwrap_err();
        assert!(matches!(err, LockError::Version { found: 2, .. }), "{err}");

        let mut lock = LockFile::new();
        lock.record("plan.md", &plan(PLAN));
        lock.save(&path).unwrap();
        let edited = fs::read_to_string(&path)
            .unwrap()
            .replace("cargo test parse", "true");
        fs::write(&path, edited).unwrap();
        let err = LockFile::load(&path).unwrap_err();
        assert!(
            matches!(&err, LockError::HashMismatch { id, .. } if id == "T1"),
            "{err}"
        );
    }

    #[test]
    fn plan_keys_are_relative_with_slashes() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("docs")).unwrap();
        fs::write(dir.path().join("docs/tasks.md"), "").unwrap();
        let lock = dir.path().join(".baton/lock.json");
        assert_eq!(
            LockFile::plan_key(&lock, &dir.path().join("docs/tasks.md")),
            "docs/tasks.md"
        );
        let plan = Path::new("plan.md");
        assert_eq!(
            LockFile::plan_key(&LockFile::path_for(plan), plan),
            "plan.md"
        );
        assert_eq!(
            LockFile::path_for(Path::new("docs/tasks.md")),
            Path::new("docs/.baton/lock.json")
        );
    }

    #[test]
    fn diff_shows_removed_and_added_items() {
        let before: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let after: Vec<String> = ["a", "x", "c"].map(String::from).to_vec();
        assert_eq!(
            diff_items(&before, &after),
            vec![
                DiffLine::Same("a"),
                DiffLine::Removed("b"),
                DiffLine::Added("x"),
                DiffLine::Same("c"),
            ]
        );
    }
}
